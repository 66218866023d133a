// Per-subscriber delivery: a subscriber that fails every delivery, or is slow, delays and repeats
// nothing for the other subscribers of the same events; its dead letters are its own, listed and
// replayed for it alone.
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
} from '../../src/index.js';
import { auditModule, EntryAddedV1, ledgerModule, silent, startKernelTestPostgres, TRUNCATE_ALL, type EntryAdded } from './messaging.fixture.js';

let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
let connections: Map<string, ModuleConnection>;
let admin: pg.Client;
let ledger: ReturnType<typeof createModuleDataSource>;
let audit: ReturnType<typeof createModuleDataSource>;
let publisher: UnitOfWork;
let subscriberUow: UnitOfWork;
let outbox: OutboxAdmin;

beforeAll(async () => {
  postgres = await startKernelTestPostgres();
  connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule] });
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
  await admin.query(`CREATE TABLE audit.effects (n bigserial PRIMARY KEY, subscriber text NOT NULL, event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await admin.query(`GRANT INSERT, SELECT ON audit.effects TO test_audit_postgres; GRANT USAGE ON SEQUENCE audit.effects_n_seq TO test_audit_postgres`);
  ledger = createModuleDataSource(ledgerModule, connections.get('ledger')!);
  audit = createModuleDataSource(auditModule, connections.get('audit')!);
  await ledger.initialize();
  await audit.initialize();
  publisher = new UnitOfWork(ledger, 'ledger');
  subscriberUow = new UnitOfWork(audit, 'audit');
  outbox = new OutboxAdmin(ledger, 'ledger');
});

afterAll(async () => {
  await ledger?.destroy();
  await audit?.destroy();
  await admin?.end();
  await postgres?.stop();
});

beforeEach(async () => {
  await admin.query(`${TRUNCATE_ALL}, audit.effects`);
});

class Recorder implements EventHandler<EntryAdded> {
  calls = 0;
  failing = false;
  delayMs = 0;
  constructor(readonly name: string) {}
  readonly handle = async (event: EventEnvelope<EntryAdded>) => {
    this.calls++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failing) throw new Error('mail server says 451');
    await subscriberUow.transactionOnce(event, this.name, async (tx) => {
      await tx.manager.query('INSERT INTO audit.effects (subscriber, event_id) VALUES ($1, $2)', [this.name, event.id]);
    });
  };
}

async function publish(count: number, aggregates = 5): Promise<void> {
  for (let i = 0; i < count; i++) {
    await publisher.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV1, { aggregateId: `agg-${i % aggregates}`, payload: { note: `entry ${i}` } });
    });
  }
}

async function effectsOf(subscriber: string): Promise<number> {
  return (await admin.query('SELECT count(*)::int AS n FROM audit.effects WHERE subscriber = $1', [subscriber])).rows[0].n;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('keeps delivering to the others while one subscriber fails every delivery, then replays only its dead letters', async () => {
  const transport = new InProcessEventTransport();
  const [projection, stock, mail] = ['audit.Projection', 'audit.Stock', 'audit.Mail'].map((name) => new Recorder(name)) as [Recorder, Recorder, Recorder];
  mail.failing = true;
  for (const r of [projection, stock, mail]) transport.subscribe(EntryAddedV1, r);
  const relay = new OutboxRelay(ledger, 'ledger', connections.get('ledger')!.url, transport,
    { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 3, backoffBaseMs: 5, backoffMaxMs: 20, idlePollMs: 50 }, silent);
  await relay.start();
  try {
    await publish(40);
    await waitFor('the healthy subscribers to have every event', async () => (await effectsOf('audit.Projection')) === 40 && (await effectsOf('audit.Stock')) === 40);
    await waitFor('the failing subscriber to be dead-lettered', async () => (await outbox.stats()).dead === 40);
  } finally {
    await relay.stop();
  }
  // The healthy subscribers were called once per event: the failures repeated nothing for them.
  expect([projection.calls, stock.calls]).toEqual([40, 40]);
  expect(mail.calls).toBe(40 * 3);
  expect(await outbox.subscriberStats()).toEqual([{ subscriber: 'audit.Mail', pending: 0, dead: 40, oldestPendingAgeMs: 0 }]);
  const [first] = await outbox.list(['dead'], 1);
  expect(first).toMatchObject({ status: 'dead', attempts: 3, lastError: 'audit.Mail: mail server says 451' });
  expect(first!.deliveries.map((d) => [d.subscriber, d.status, d.attempts])).toEqual([
    ['audit.Mail', 'dead', 3],
    ['audit.Projection', 'delivered', 1],
    ['audit.Stock', 'delivered', 1],
  ]);
  expect(await outbox.list(['dead'], 100, 'audit.Projection')).toEqual([]);
  expect(await outbox.list(['dead'], 100, 'audit.Mail')).toHaveLength(40);

  // The operator fixes the mail server and replays that subscriber's dead letters: only it is called again.
  mail.failing = false;
  await expect(outbox.replay(first!.id, 'audit.Projection')).rejects.toThrow(
    `Cannot replay the delivery of event ${first!.id} to audit.Projection: it is delivered; only dead or discarded deliveries can be.`,
  );
  expect(await outbox.replay(first!.id, 'audit.Mail')).toMatchObject({ status: 'pending' });
  expect(await outbox.replayAllDead('audit.Mail')).toBe(39);
  await relay.drain();
  expect(await effectsOf('audit.Mail')).toBe(40);
  expect([projection.calls, stock.calls]).toEqual([40, 40]);
  expect(await outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
  expect((await outbox.list(['delivered'], 1000)).every((e) => e.deliveries.every((d) => d.status === 'delivered'))).toBe(true);
}, 120_000);

it('does not let a slow subscriber delay the others', async () => {
  const transport = new InProcessEventTransport();
  const fast = new Recorder('audit.Fast');
  const slow = new Recorder('audit.Slow');
  slow.delayMs = 3_000; // an SMTP server taking its time
  transport.subscribe(EntryAddedV1, fast);
  transport.subscribe(EntryAddedV1, slow);
  const relay = new OutboxRelay(ledger, 'ledger', connections.get('ledger')!.url, transport,
    { ...DEFAULT_RELAY_OPTIONS, batchSize: 5, idlePollMs: 50 }, silent);
  await relay.start();
  try {
    await publish(30, 30);
    // The fast subscriber gets all 30 while the slow one is still on its first batches.
    await waitFor('the fast subscriber to have every event', async () => (await effectsOf('audit.Fast')) === 30, 20_000);
    expect(await effectsOf('audit.Slow')).toBeLessThan(30);
  } finally {
    await relay.stop();
  }
}, 60_000);
