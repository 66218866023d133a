// The two ways an event travels from the "ledger" module's outbox to the "audit" module's handler,
// behind one interface, so that one suite states the delivery guarantees for both: the in-process
// transport (the relay calls the handler) and NATS JetStream (the relay publishes, a durable
// consumer calls the handler, dead letters land in the subscriber's own outbox).
import {
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxAdmin,
  OutboxRelay,
  type EventHandler,
  type EventSchema,
} from '../../src/index.js';
// The broker adapters are the kernel's own (MessagingModule wires them): not public.
import { connectEventBroker, JetStreamEventPublisher, type EventBroker } from '../../src/messaging/event-broker.js';
import { JetStreamEventConsumer } from '../../src/messaging/event-consumer.js';
import { BrokerForwardingTransport } from '../../src/nest/broker-messaging.js';
import { EntryAddedV1, silent, startKernelTestBroker, type openLedgerAndAudit } from './messaging.fixture.js';

export type LedgerAndAudit = Awaited<ReturnType<typeof openLedgerAndAudit>>;

export interface DeliveryPath {
  /** Where a dead letter lands and is replayed from: the publisher's outbox in-process, the subscriber's own over the broker. */
  readonly deadLetters: OutboxAdmin;
  /** The dead letter's last error for a handler that threw `message`. */
  failure(message: string): string;
  /** Starts carrying the ledger's events to `handler`, which is tried `maxAttempts` times at most. */
  start(handler: EventHandler<unknown>, maxAttempts: number, schemas?: readonly EventSchema<unknown>[]): Promise<void>;
  /** Runs the ledger's relay until nothing is pending there (the broker's consumer then handles asynchronously). */
  relay(): Promise<void>;
  /** Delivers what was replayed from `deadLetters`. */
  relayReplayed(): Promise<void>;
  /** Stops what start() started. */
  stop(): Promise<void>;
  /** Releases what open() took. */
  close(): Promise<void>;
}

export interface DeliveryPathKind {
  readonly name: string;
  open(testbed: LedgerAndAudit): Promise<DeliveryPath>;
}

const FAST_RETRIES = { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 1, backoffMaxMs: 5 };

/** Runs a relay until its outbox has nothing pending (retries are due within milliseconds here). */
export async function settle(relay: OutboxRelay, outbox: OutboxAdmin): Promise<void> {
  for (let round = 0; round < 2_000; round++) {
    await relay.drain();
    if ((await outbox.stats()).pending === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('outbox did not settle');
}

export const inProcess: DeliveryPathKind = {
  name: 'the in-process transport',
  async open(testbed) {
    const url = testbed.connections.get('ledger')!.url;
    let relay: OutboxRelay | undefined;
    const drain = () => settle(relay!, testbed.outbox);
    return {
      deadLetters: testbed.outbox,
      failure: (message) => `audit.RecordEntry: ${message}`,
      async start(handler, maxAttempts, schemas = [EntryAddedV1 as EventSchema<unknown>]) {
        const transport = new InProcessEventTransport();
        for (const schema of schemas) transport.subscribe(schema, handler);
        relay = new OutboxRelay(testbed.ledger, 'ledger', url, transport, { ...FAST_RETRIES, maxAttempts }, silent);
      },
      relay: drain,
      relayReplayed: drain,
      async stop() {
        relay = undefined;
      },
      async close() {},
    };
  },
};

/** Over a real nats-server; `broker` gives the broker-only tests the publisher's connection. */
export const jetStream = {
  name: 'NATS JetStream',
  async open(testbed: LedgerAndAudit): Promise<DeliveryPath & { broker: EventBroker }> {
    const nats = await startKernelTestBroker();
    const publishing = await connectEventBroker(nats.url, 'test-publisher');
    const consuming = await connectEventBroker(nats.url, 'test-consumer');
    // No in-process subscriber: the publisher is the relay's one subscriber of the forwarded type.
    const toBroker = new BrokerForwardingTransport(new InProcessEventTransport(), new JetStreamEventPublisher(publishing), [EntryAddedV1.type]);
    const relay = new OutboxRelay(testbed.ledger, 'ledger', testbed.connections.get('ledger')!.url, toBroker, FAST_RETRIES, silent);
    const auditOutbox = new OutboxAdmin(testbed.audit, 'audit');
    let consumer: JetStreamEventConsumer | undefined;
    let replays: OutboxRelay | undefined;
    return {
      broker: publishing,
      deadLetters: auditOutbox,
      failure: (message) => `audit.RecordEntry (from the broker): ${message}`,
      async start(handler, maxAttempts, schemas = [EntryAddedV1 as EventSchema<unknown>]) {
        consumer = new JetStreamEventConsumer(
          consuming,
          schemas.map((schema) => ({ schema, handler })),
          () => auditOutbox,
          { maxDeliver: maxAttempts, backoffBaseMs: 10, backoffMaxMs: 50, ackWaitMs: 5_000 },
          silent,
        );
        await consumer.start();
        // A replayed dead letter is delivered in-process, from the subscriber's own outbox.
        const local = new InProcessEventTransport();
        for (const schema of schemas) local.subscribe(schema, handler);
        replays = new OutboxRelay(testbed.audit, 'audit', testbed.connections.get('audit')!.url, local, FAST_RETRIES, silent);
      },
      relay: () => settle(relay, testbed.outbox),
      relayReplayed: () => settle(replays!, auditOutbox),
      async stop() {
        await consumer?.stop();
        consumer = undefined;
      },
      async close() {
        await consumer?.stop();
        await publishing.close();
        await consuming.close();
        await nats.stop();
      },
    };
  },
} satisfies DeliveryPathKind;
