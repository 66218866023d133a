// Delivery over NATS JetStream, against a real nats-server and a real PostgreSQL: the publisher's
// relay marks an event delivered only on the broker's ack (Nats-Msg-Id = event id, so a re-publish
// is stored once), the subscriber's consumer acks only after the handler's transaction committed,
// keeps each aggregate's order while retrying, and dead-letters into the subscriber module's own
// outbox, from where an operator's replay delivers it in-process.
import pg from 'pg';
import {
  createModuleDataSource,
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxAdmin,
  OutboxRelay,
  provisionModuleDatabases,
  UnitOfWork,
  type EventEnvelope,
  type EventHandler,
  type EventSchema,
} from '../../src/index.js';
// The broker adapters are the kernel's own (MessagingModule wires them): not public.
import { connectEventBroker, JetStreamEventPublisher, type EventBroker } from '../../src/messaging/event-broker.js';
import { JetStreamEventConsumer } from '../../src/messaging/event-consumer.js';
import { BrokerForwardingTransport } from '../../src/nest/broker-messaging.js';
import { auditModule, EntryAddedV1, ledgerModule, silent, startKernelTestPostgres, startKernelTestBroker, brokerTestsRun, type EntryAdded } from './messaging.fixture.js';

const describeWithBroker = brokerTestsRun() ? describe : describe.skip;

describeWithBroker('events over NATS JetStream', () => {
  let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
  let nats: Awaited<ReturnType<typeof startKernelTestBroker>>;
  let admin: pg.Client;
  let ledger: { uow: UnitOfWork; relay: OutboxRelay; dataSource: ReturnType<typeof createModuleDataSource> };
  let audit: { uow: UnitOfWork; outbox: OutboxAdmin; dataSource: ReturnType<typeof createModuleDataSource>; url: string };
  let publishing: EventBroker;
  let consuming: EventBroker;
  let consumer: JetStreamEventConsumer | undefined;

  /** The audit module's handler; can be made to fail for given notes, a number of times or always. */
  class Auditor implements EventHandler<EntryAdded> {
    readonly name = 'audit.RecordEntry';
    failures = new Map<string, number>();
    readonly handle = async (event: EventEnvelope<EntryAdded>) => {
      await audit.uow.transactionOnce(event, this.name, async (tx) => {
        await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
        const left = this.failures.get(event.payload.note) ?? 0;
        if (left > 0) {
          this.failures.set(event.payload.note, left - 1);
          throw new Error(`cannot record ${event.payload.note}`);
        }
      });
    };
  }
  const auditor = new Auditor();

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([startKernelTestPostgres(), startKernelTestBroker()]);
    const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule] });
    admin = new pg.Client(postgres.adminUrl);
    await admin.connect();
    const ledgerSource = createModuleDataSource(ledgerModule, connections.get('ledger')!);
    const auditSource = createModuleDataSource(auditModule, connections.get('audit')!);
    await Promise.all([ledgerSource.initialize(), auditSource.initialize()]);
    publishing = await connectEventBroker(nats.url, 'test-publisher');
    consuming = await connectEventBroker(nats.url, 'test-consumer');
    const publisher = new JetStreamEventPublisher(publishing);
    // No in-process subscriber: the publisher is the relay's one subscriber of the forwarded type.
    const toBroker = new BrokerForwardingTransport(new InProcessEventTransport(), publisher, [EntryAddedV1.type]);
    const relay = new OutboxRelay(ledgerSource, 'ledger', connections.get('ledger')!.url, toBroker,
      { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 10, backoffMaxMs: 50 }, silent);
    ledger = { uow: new UnitOfWork(ledgerSource, 'ledger'), relay, dataSource: ledgerSource };
    audit = { uow: new UnitOfWork(auditSource, 'audit'), outbox: new OutboxAdmin(auditSource, 'audit'), dataSource: auditSource, url: connections.get('audit')!.url };
  }, 120_000);

  afterAll(async () => {
    await consumer?.stop();
    await publishing?.close();
    await consuming?.close();
    await ledger?.dataSource.destroy();
    await audit?.dataSource.destroy();
    await admin?.end();
    await Promise.all([postgres?.stop(), nats?.stop()]);
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  function startConsumer(schemas: readonly EventSchema<unknown>[] = [EntryAddedV1 as EventSchema<unknown>], maxDeliver = 4) {
    consumer = new JetStreamEventConsumer(
      consuming,
      schemas.map((schema) => ({ schema, handler: auditor as EventHandler<unknown> })),
      () => audit.outbox,
      { maxDeliver, backoffBaseMs: 10, backoffMaxMs: 50, ackWaitMs: 5_000 },
      silent,
    );
    return consumer.start();
  }

  async function add(note: string, aggregateId: string) {
    await ledger.uow.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV1, { aggregateId, payload: { note } });
    });
  }

  async function seen(): Promise<{ event_id: string; aggregate_id: string }[]> {
    return (await admin.query('SELECT event_id, aggregate_id FROM audit.seen ORDER BY at')).rows;
  }

  async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('publishes each event once, even when the relay publishes it again, and marks it delivered only on the ack', async () => {
    await add('first', 'book-1');
    await ledger.relay.drain();
    const [row] = (await admin.query(`SELECT id, status FROM ledger.outbox`)).rows;
    expect(row.status).toBe('delivered');
    // The relay died after the ack but before its completion: the event is published a second time.
    await admin.query(`UPDATE ledger.outbox_delivery SET status = 'pending', next_attempt_at = now()`);
    await admin.query(`UPDATE ledger.outbox SET status = 'pending'`);
    await ledger.relay.drain();
    const stream = await publishing.manager.streams.info('ORDERLY_EVENTS');
    expect(stream.state.messages).toBe(1);

    await startConsumer();
    await until(async () => ((await seen()).length === 1 ? true : undefined), 'the event to be handled');
    expect((await seen())[0]!.event_id).toBe(row.id);
    await admin.query('TRUNCATE ledger.outbox, ledger.outbox_delivery, audit.seen, audit.inbox, audit.outbox, audit.outbox_delivery');
  });

  it('acks only after the handler committed: a failing handler is retried, and each aggregate keeps its order', async () => {
    await startConsumer();
    auditor.failures.set('a1', 2); // the first event of book-a fails twice: book-a waits, book-b goes on
    for (const [note, book] of [['a1', 'book-a'], ['b1', 'book-b'], ['a2', 'book-a'], ['b2', 'book-b'], ['a3', 'book-a']] as const) await add(note, book);
    await ledger.relay.drain();
    const rows = await until(async () => {
      const all = await seen();
      return all.length === 5 ? all : undefined;
    }, 'five events to be handled');
    const ids = new Map((await admin.query(`SELECT id, payload->>'note' AS note FROM ledger.outbox`)).rows.map((r) => [r.id, r.note]));
    const order = (book: string) => rows.filter((r) => r.aggregate_id === book).map((r) => ids.get(r.event_id));
    expect(order('book-a')).toEqual(['a1', 'a2', 'a3']);
    expect(order('book-b')).toEqual(['b1', 'b2']);
    expect((await admin.query('SELECT count(*)::int AS n FROM audit.inbox')).rows[0].n).toBe(5);
    await admin.query('TRUNCATE ledger.outbox, ledger.outbox_delivery, audit.seen, audit.inbox, audit.outbox, audit.outbox_delivery');
  });

  it('dead-letters into the subscriber module’s own outbox after maxDeliver, and a replay there delivers it in-process once', async () => {
    await startConsumer();
    auditor.failures.set('poison', 100);
    await add('poison', 'book-p');
    await add('after', 'book-p');
    await ledger.relay.drain();
    const [dead] = await until(async () => {
      const list = await audit.outbox.list(['dead']);
      return list.length === 1 ? list : undefined;
    }, 'the dead letter');
    expect(dead).toMatchObject({ type: 'ledger.EntryAdded', status: 'dead', attempts: 4, lastError: 'audit.RecordEntry (from the broker): cannot record poison' });
    // The partition is not stuck behind it.
    await until(async () => ((await seen()).length === 1 ? true : undefined), 'the next event of the aggregate');

    auditor.failures.delete('poison');
    const local = new InProcessEventTransport();
    local.subscribe(EntryAddedV1, auditor);
    const auditRelay = new OutboxRelay(audit.dataSource, 'audit', audit.url, local, DEFAULT_RELAY_OPTIONS, silent);
    await audit.outbox.replay(dead!.id);
    await auditRelay.drain();
    expect((await audit.outbox.get(dead!.id)).status).toBe('delivered');
    expect((await seen()).filter((r) => r.event_id === dead!.id)).toHaveLength(1);
    await admin.query('TRUNCATE ledger.outbox, ledger.outbox_delivery, audit.seen, audit.inbox, audit.outbox, audit.outbox_delivery');
  });

  it('dead-letters at once an event version the handler does not understand, reaching no handler', async () => {
    const EntryAddedV2 = { ...EntryAddedV1, version: 2 } as EventSchema<unknown>;
    await startConsumer();
    await ledger.uow.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV2 as EventSchema<EntryAdded>, { aggregateId: 'book-v', payload: { note: 'from the future' } });
    });
    await ledger.relay.drain();
    const [dead] = await until(async () => {
      const list = await audit.outbox.list(['dead']);
      return list.length === 1 ? list : undefined;
    }, 'the dead letter');
    expect(dead).toMatchObject({ version: 2, attempts: 1, lastError: 'audit.RecordEntry (from the broker): audit.RecordEntry understands ledger.EntryAdded v1, not v2' });
    expect(await seen()).toEqual([]);
  });
});
