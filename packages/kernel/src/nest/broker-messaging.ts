import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventEnvelope } from '../events/event-envelope.js';
import { connectEventBroker, JetStreamEventPublisher, type EventBroker } from '../messaging/event-broker.js';
import { DEFAULT_CONSUMER_OPTIONS, JetStreamEventConsumer, type ConsumerOptions, type DeadLetters } from '../messaging/event-consumer.js';
import { consumerOf, UndeliverableEvent, type EventRoute, type EventTransport, type InProcessEventTransport } from '../messaging/event-transport.js';
import type { ModuleDatabases } from './module-database.js';

/** How a process takes part in events over NATS JetStream (unset: every event stays in-process). */
export interface BrokerPlacement {
  /** EVENTS_BROKER_URL: nats://host:port, several comma-separated for a cluster. */
  readonly url: string;
  /** Event types this process's outboxes also forward to the broker, for modules running elsewhere. */
  readonly publish: readonly string[];
  /** true: this process's subscriptions are fed from the broker (its modules' publishers run elsewhere). */
  readonly consume: boolean;
  readonly consumer?: Partial<ConsumerOptions>;
  /** Extra message headers per event (trace context). */
  readonly headers?: (event: EventEnvelope) => Record<string, string>;
}

/**
 * The relay's transport when events also leave the process: the in-process subscribers' routes,
 * plus one more subscriber, the JetStream publisher (its own consumer, `broker`), for the
 * forwarded types. Like any subscriber it has its own delivery rows, retries and dead letters: a
 * broker outage delays and repeats nothing for the in-process handlers, and the publisher's
 * delivery completes only on the broker's ack. A re-publish (a lapsed lease, a crash before the
 * relay's completion) is absorbed by JetStream's duplicate window (Nats-Msg-Id = event id).
 */
export class BrokerForwardingTransport implements EventTransport {
  private readonly forwarded: readonly string[];

  constructor(
    private readonly local: InProcessEventTransport,
    private readonly publisher: JetStreamEventPublisher,
    forwarded: readonly string[],
  ) {
    this.forwarded = [...new Set(forwarded)];
  }

  routes(): readonly EventRoute[] {
    const subscriber = this.publisher.name;
    return [...this.local.routes(), ...this.forwarded.map((type) => ({ type, subscriber, consumer: consumerOf(subscriber) }))];
  }

  async deliver(event: EventEnvelope, subscriber: string): Promise<void> {
    if (subscriber !== this.publisher.name) return this.local.deliver(event, subscriber);
    if (!this.forwarded.includes(event.type)) throw new UndeliverableEvent(`${event.type} is not forwarded to the broker by this process`);
    await this.publisher.handle(event);
  }
}

/** Opens the broker connection with the application and closes it last. */
export class BrokerConnection implements OnApplicationShutdown {
  private constructor(readonly broker: EventBroker) {}

  static async open(placement: BrokerPlacement, name: string): Promise<BrokerConnection> {
    return new BrokerConnection(await connectEventBroker(placement.url, name));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.broker.close().catch(() => undefined);
  }
}

/**
 * Runs the JetStream consumer of this process's subscriptions (placement.consume), once every
 * handler is subscribed. An event a handler cannot take lands in the outbox of the handler's own
 * module (handler names are `<module>.<Handler>`) as dead: `npm run events` lists it and replays
 * it, and the module's relay then delivers it in-process to the same handler.
 */
export class BrokerConsumerRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: JetStreamEventConsumer | null = null;

  constructor(
    private readonly connection: BrokerConnection,
    private readonly transport: InProcessEventTransport,
    private readonly databases: ModuleDatabases,
    private readonly options: ConsumerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const deadLetters = (handler: string): DeadLetters => {
      const database = this.databases.list().find((db) => handler.startsWith(`${db.module}.`));
      if (!database) throw new Error(`No module database in this process owns handler ${handler}`);
      return database.outbox;
    };
    this.consumer = new JetStreamEventConsumer(this.connection.broker, this.transport.list(), deadLetters, this.options, new Logger('BrokerConsumer'));
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

export function consumerOptions(placement: BrokerPlacement): ConsumerOptions {
  return { ...DEFAULT_CONSUMER_OPTIONS, ...placement.consumer };
}
