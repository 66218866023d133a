import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { EventEnvelope } from '../events/event-envelope.js';
import { runWithCausation } from '../events/correlation.js';
import { deliverInTrace, SpanKind } from '../events/trace-context.js';
import { TRACEPARENT_HEADER, type EventBroker } from './event-broker.js';
import type { Subscription } from './event-transport.js';
import { EVENT_PARTITIONS, EVENTS_STREAM, partitionSubjects } from './event-subjects.js';
import type { RelayLogger } from './outbox-relay.js';

const NANOS_PER_MS = 1_000_000;

export interface ConsumerOptions {
  /** Attempts (in this process and after redeliveries) before the event is dead-lettered. */
  readonly maxDeliver: number;
  /** First retry delay; doubles per attempt up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Without an ack (or a progress signal) in this time JetStream redelivers: a consumer died. */
  readonly ackWaitMs: number;
}

export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = { maxDeliver: 20, backoffBaseMs: 200, backoffMaxMs: 10_000, ackWaitMs: 30_000 };

/** Where an event a handler could not take ends up: its module's own dead letters. */
export interface DeadLetters {
  park(event: EventEnvelope, handler: string, error: string, attempts: number): Promise<void>;
}

/**
 * Feeds a process's subscribing handlers from JetStream (docs/adr/0014).
 *
 * - One durable pull consumer per handler and partition (`<handler>_p<n>`), shared by every
 *   instance of the service: JetStream hands each message to one of them.
 * - max_ack_pending 1 per consumer: one message of a partition in flight at a time, so the events
 *   of one aggregate (one partition) are handled in the order they were published.
 * - Ack only after the handler returned, i.e. after its transaction (effect + inbox row) committed;
 *   a process that dies before the ack gets the message redelivered after ack_wait, and the
 *   handler's inbox makes the second delivery change nothing.
 * - A failing handler is retried here with backoff (holding its partition, so order is kept);
 *   after maxDeliver attempts, or at once when the event cannot be understood (unknown version,
 *   payload breaking the schema), it is parked in the module's dead letters and terminated.
 */
export class JetStreamEventConsumer {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly handlers: string[];

  constructor(
    private readonly broker: EventBroker,
    private readonly subscriptions: readonly Subscription[],
    private readonly deadLetters: (handler: string) => DeadLetters,
    private readonly options: ConsumerOptions,
    private readonly log: RelayLogger,
  ) {
    this.handlers = [...new Set(subscriptions.map((s) => s.handler.name))];
  }

  async start(): Promise<void> {
    if (this.running) return;
    for (const handler of this.handlers) {
      for (let partition = 0; partition < EVENT_PARTITIONS; partition++) await this.ensureConsumer(handler, partition);
    }
    this.running = true;
    this.loops = this.handlers.flatMap((handler) => Array.from({ length: EVENT_PARTITIONS }, (_, p) => this.loop(handler, p)));
  }

  /** Stops pulling; resolves once every message in hand has been handled (or left for redelivery). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async ensureConsumer(handler: string, partition: number): Promise<void> {
    const durable = durableName(handler, partition);
    try {
      await this.broker.manager.consumers.info(EVENTS_STREAM, durable);
    } catch {
      await this.broker.manager.consumers.add(EVENTS_STREAM, {
        durable_name: durable,
        filter_subject: partitionSubjects(partition),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_ack_pending: 1,
        // Redeliveries are counted by this class (dead letters); JetStream never gives up silently.
        max_deliver: -1,
        ack_wait: this.options.ackWaitMs * NANOS_PER_MS,
      });
    }
  }

  private async loop(handler: string, partition: number): Promise<void> {
    const durable = durableName(handler, partition);
    while (this.running) {
      let message: JsMsg | null = null;
      try {
        const consumer = await this.broker.jetstream.consumers.get(EVENTS_STREAM, durable);
        while (this.running) {
          message = await consumer.next({ expires: 1_000 });
          if (message) await this.process(handler, message);
          message = null;
        }
      } catch (error) {
        // The broker is away (or restarting): the client reconnects by itself; pull again soon.
        if (this.running) {
          this.log.warn(`consumer ${durable} cannot pull (${error instanceof Error ? error.message : error}); retrying`);
          await sleep(500);
        }
      }
    }
  }

  private async process(handler: string, message: JsMsg): Promise<void> {
    let event: EventEnvelope;
    try {
      event = JSON.parse(message.string()) as EventEnvelope;
    } catch {
      this.log.error(`${handler}: message ${message.seq} on ${message.subject} is not an event envelope; terminated`);
      message.term();
      return;
    }
    const ofType = this.subscriptions.filter((s) => s.handler.name === handler && s.schema.type === event.type);
    if (ofType.length === 0) {
      message.ack(); // another handler's event type in this partition
      return;
    }
    const subscription = ofType.find((s) => s.schema.version === event.version);
    const problems = subscription
      ? subscription.schema.problems(event.payload)
      : [`${handler} understands ${event.type} ${ofType.map((s) => `v${s.schema.version}`).join(', ')}, not v${event.version}`];
    if (problems.length > 0) {
      await this.park(handler, message, event, problems.join('; '), message.info.deliveryCount);
      return;
    }
    let attempts = message.info.deliveryCount - 1;
    for (;;) {
      attempts++;
      try {
        await runWithCausation({ correlationId: event.correlationId, causationId: event.id }, () =>
          deliverInTrace(event, handler, message.headers?.get(TRACEPARENT_HEADER) || null, SpanKind.CONSUMER, () => subscription!.handler.handle(event)),
        );
        await message.ackAck().catch(() => undefined); // a lost ack means a redelivery, which the inbox absorbs
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempts >= this.options.maxDeliver) {
          await this.park(handler, message, event, reason, attempts);
          return;
        }
        if (!this.running) return; // no ack: redelivered to whoever runs next
        const delayMs = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (attempts - 1));
        this.log.warn(`${handler} failed ${event.type} v${event.version} ${event.id} (attempt ${attempts}), retrying in ${delayMs} ms: ${reason}`);
        message.working(); // the partition waits for this event: tell JetStream it is still in hand
        await sleep(delayMs);
      }
    }
  }

  private async park(handler: string, message: JsMsg, event: EventEnvelope, reason: string, attempts: number): Promise<void> {
    try {
      await this.deadLetters(handler).park(event, handler, reason, attempts);
    } catch (error) {
      // Cannot record it (database away): leave it unacked, JetStream redelivers it later.
      this.log.warn(`${handler} could not dead-letter ${event.id} (${error instanceof Error ? error.message : error}); it will be redelivered`);
      return;
    }
    this.log.error(`dead-lettered ${event.type} v${event.version} ${event.id} for ${handler} (attempt ${attempts}): ${reason}`);
    message.term(); // no reason text: nats-server 2.9 does not understand one
  }
}

export function durableName(handler: string, partition: number): string {
  return `${handler.replace(/[^A-Za-z0-9_-]/g, '_')}_p${partition}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
