// Retries, dead letters, operator replay/discard, per-aggregate order under retries, and the
// consumer-side schema check - against a real PostgreSQL, through the kernel's public API.
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
  type ModuleConnection,
  type RelayOptions,
} from '../../src/index.js';
import { auditModule, EntryAddedV1, ledgerModule, silent, startKernelTestPostgres, TRUNCATE_ALL, type EntryAdded } from './messaging.fixture.js';

let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
let connections: Map<string, ModuleConnection>;
let admin: pg.Client;
let publisher: { dataSource: ReturnType<typeof createModuleDataSource>; uow: UnitOfWork; url: string };
let subscriber: { dataSource: ReturnType<typeof createModuleDataSource>; uow: UnitOfWork };
let outbox: OutboxAdmin;

beforeAll(async () => {
  postgres = await startKernelTestPostgres();
  connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule] });
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
  const ledger = createModuleDataSource(ledgerModule, connections.get('ledger')!);
  const audit = createModuleDataSource(auditModule, connections.get('audit')!);
  await ledger.initialize();
  await audit.initialize();
  publisher = { dataSource: ledger, uow: new UnitOfWork(ledger, 'ledger'), url: connections.get('ledger')!.url };
  subscriber = { dataSource: audit, uow: new UnitOfWork(audit, 'audit') };
  outbox = new OutboxAdmin(ledger, 'ledger');
});

afterAll(async () => {
  await publisher?.dataSource.destroy();
  await subscriber?.dataSource.destroy();
  await admin?.end();
  await postgres?.stop();
});

beforeEach(async () => {
  await admin.query(TRUNCATE_ALL);
});

/** A subscriber whose store can be made to fail: a given number of times, or for given notes. */
class Auditor implements EventHandler<EntryAdded> {
  readonly name = 'audit.RecordEntry';
  failuresLeft = 0;
  failNotes = new Set<string>();
  readonly handle = async (event: EventEnvelope<EntryAdded>) => {
    await subscriber.uow.transactionOnce(event, this.name, async (tx) => {
      await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
      if (this.failNotes.has(event.payload.note)) throw new Error(`cannot record ${event.payload.note}`);
      if (this.failuresLeft > 0) {
        this.failuresLeft--;
        throw new Error('audit store unavailable');
      }
    });
  };
}

function relayFor(transport: InProcessEventTransport, options: Partial<RelayOptions> = {}) {
  return new OutboxRelay(publisher.dataSource, 'ledger', publisher.url, transport, { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 1, backoffMaxMs: 5, ...options }, silent);
}

async function addEntry(note: string, aggregateId = 'book-1') {
  await publisher.uow.transaction(async (tx) => {
    await tx.manager.query('INSERT INTO ledger.entries (note) VALUES ($1)', [note]);
    tx.outbox.add(EntryAddedV1, { aggregateId, payload: { note } });
  });
}

/** Runs the relay until nothing is pending (retries are due within milliseconds here). */
async function settle(relay: OutboxRelay) {
  for (let round = 0; round < 500; round++) {
    await relay.drain();
    if ((await outbox.stats()).pending === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('outbox did not settle');
}

async function seenCount(): Promise<number> {
  return (await admin.query('SELECT count(*)::int AS n FROM audit.seen')).rows[0].n;
}

it('retries a handler that fails twice, and it then succeeds once', async () => {
  const transport = new InProcessEventTransport();
  const auditor = new Auditor();
  auditor.failuresLeft = 2;
  transport.subscribe(EntryAddedV1, auditor);
  await addEntry('flaky');
  await settle(relayFor(transport, { maxAttempts: 5 }));
  const [entry] = await outbox.list(['delivered']);
  expect(entry).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
  expect(await seenCount()).toBe(1);
});

it('dead-letters a handler that always fails, shows the error, and replays it once the cause is fixed', async () => {
  const transport = new InProcessEventTransport();
  const auditor = new Auditor();
  auditor.failNotes.add('poison');
  transport.subscribe(EntryAddedV1, auditor);
  await addEntry('poison');
  const relay = relayFor(transport, { maxAttempts: 3 });
  await settle(relay);

  const [dead] = await outbox.list();
  expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'audit.RecordEntry: cannot record poison', type: 'ledger.EntryAdded' });
  expect(await seenCount()).toBe(0);

  auditor.failNotes.clear(); // the operator fixes the cause...
  expect(await outbox.replay(dead!.id)).toMatchObject({ status: 'pending', attempts: 0 });
  await settle(relay); // ...and the replayed event goes through
  expect(await outbox.get(dead!.id)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  expect(await outbox.list()).toEqual([]);
  expect(await seenCount()).toBe(1);
});

it('replays every dead-lettered event of an outbox at once, after an outage longer than the retries', async () => {
  const transport = new InProcessEventTransport();
  const auditor = new Auditor();
  auditor.failuresLeft = 1_000;
  transport.subscribe(EntryAddedV1, auditor);
  await addEntry('first', 'a');
  await addEntry('second', 'b');
  const relay = relayFor(transport, { maxAttempts: 2 });
  await settle(relay);
  expect((await outbox.stats()).dead).toBe(2);

  auditor.failuresLeft = 0;
  expect(await outbox.replayAllDead()).toBe(2);
  await settle(relay);
  expect(await outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
  expect(await seenCount()).toBe(2);
});

it('lets an operator discard an event, which is then never delivered, and refuses to replay a delivered one', async () => {
  const transport = new InProcessEventTransport();
  transport.subscribe(EntryAddedV1, new Auditor());
  await addEntry('unwanted');
  const [pending] = await outbox.list();
  expect(await outbox.discard(pending!.id)).toMatchObject({ status: 'discarded' });
  await settle(relayFor(transport));
  expect(await seenCount()).toBe(0);

  await outbox.replay(pending!.id);
  await settle(relayFor(transport));
  expect(await seenCount()).toBe(1);
  await expect(outbox.replay(pending!.id)).rejects.toThrow(/it is delivered; only dead or discarded events can be/);
  await expect(outbox.discard('5d1c1f4e-0000-4000-8000-000000000000')).rejects.toThrow(/does not exist/);
  expect(await outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
});

it('keeps the events of each aggregate in order while earlier ones are being retried', async () => {
  const transport = new InProcessEventTransport();
  const auditor = new Auditor();
  transport.subscribe(EntryAddedV1, auditor);
  const aggregates = ['a', 'b', 'c'];
  for (let i = 0; i < 6; i++) for (const a of aggregates) await addEntry(`${a}${i}`, a);
  // Every third handling fails, so retries hit every aggregate at different positions.
  let calls = 0;
  const original = auditor.handle;
  (auditor as { handle: typeof original }).handle = async (event) => {
    if (++calls % 3 === 0) throw new Error('transient');
    await original(event);
  };
  await settle(relayFor(transport, { maxAttempts: 50, batchSize: 4 }));

  const { rows } = await admin.query(
    `SELECT s.aggregate_id, o.payload->>'note' AS note
       FROM audit.seen s JOIN ledger.outbox o ON o.id = s.event_id
      ORDER BY s.at, o.seq`,
  );
  for (const a of aggregates) {
    expect(rows.filter((r) => r.aggregate_id === a).map((r) => r.note)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${a}${i}`));
  }
  expect(rows).toHaveLength(18);
});

it('dead-letters an event whose payload breaks the schema on the consumer side, reaching no handler', async () => {
  const transport = new InProcessEventTransport();
  const strict = new Auditor();
  const lenient: EventHandler<unknown> & { calls: number } = {
    name: 'audit.Lenient',
    calls: 0,
    handle: async () => void lenient.calls++,
  };
  transport.subscribe(EntryAddedV1, strict);
  transport.subscribe({ ...EntryAddedV1, problems: () => [] }, lenient);
  // A publisher on an older contract wrote a payload v1 consumers cannot read (bypassing its own check).
  await admin.query(
    `INSERT INTO ledger.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at)
     VALUES (gen_random_uuid(), 'ledger.EntryAdded', 1, 'book-1', 'c-1', '{"text":"renamed field"}', now())`,
  );
  await settle(relayFor(transport));
  const [dead] = await outbox.list();
  expect(dead).toMatchObject({
    status: 'dead',
    attempts: 1,
    lastError: 'audit.RecordEntry rejects the payload: note must be a non-empty string',
  });
  expect(lenient.calls).toBe(0);
  expect(await seenCount()).toBe(0);
});
