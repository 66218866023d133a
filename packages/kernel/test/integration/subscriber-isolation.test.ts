// Per-subscriber delivery: a subscriber that fails every delivery, or is slow, delays and repeats
// nothing for the subscribers of other modules (consumers: the name up to the first dot); its dead
// letters are its own, listed and replayed for it alone. The subscribers of one module see the
// events of one aggregate in order across them.
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxAdmin,
  OutboxRelay,
  UnitOfWork,
  type EventEnvelope,
  type EventHandler,
  type ModuleConnection,
} from '../../src/index.js';
import { EntryAddedV1, openLedgerAndAudit, silent, TRUNCATE_ALL, waitFor, type EntryAdded } from './messaging.fixture.js';

let testbed: Awaited<ReturnType<typeof openLedgerAndAudit>>;
let connections: Map<string, ModuleConnection>;
let admin: pg.Client;
let ledger: DataSource;
let publisher: UnitOfWork;
let subscriberUow: UnitOfWork;
let outbox: OutboxAdmin;

beforeAll(async () => {
  testbed = await openLedgerAndAudit();
  ({ connections, admin, ledger, publisher, subscriberUow, outbox } = testbed);
  await admin.query(`CREATE TABLE audit.effects (n bigserial PRIMARY KEY, subscriber text NOT NULL, event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  await admin.query(`GRANT INSERT, SELECT ON audit.effects TO test_audit_postgres; GRANT USAGE ON SEQUENCE audit.effects_n_seq TO test_audit_postgres`);
});

afterAll(async () => {
  await testbed?.close();
});

beforeEach(async () => {
  await admin.query(`${TRUNCATE_ALL}, audit.effects`);
});

class Recorder implements EventHandler<EntryAdded> {
  calls = 0;
  failing = false;
  delayMs = 0;
  /** Holds a delivery until the promise it returns settles (undefined: no hold). */
  hold: (event: EventEnvelope<EntryAdded>) => Promise<void> | undefined = () => undefined;
  constructor(readonly name: string) {}
  readonly handle = async (event: EventEnvelope<EntryAdded>) => {
    this.calls++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    await this.hold(event);
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

it('keeps delivering to the others while one subscriber fails every delivery, then replays only its dead letters', async () => {
  const transport = new InProcessEventTransport();
  const [projection, stock, mail] = ['history.Projection', 'stock.Reservation', 'mail.Confirmation'].map((name) => new Recorder(name)) as [Recorder, Recorder, Recorder];
  mail.failing = true;
  for (const r of [projection, stock, mail]) transport.subscribe(EntryAddedV1, r);
  const relay = new OutboxRelay(ledger, 'ledger', connections.get('ledger')!.url, transport,
    { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 3, backoffBaseMs: 5, backoffMaxMs: 20, idlePollMs: 50 }, silent);
  await relay.start();
  try {
    await publish(40);
    await waitFor('the healthy subscribers to have every event', async () => (await effectsOf('history.Projection')) === 40 && (await effectsOf('stock.Reservation')) === 40);
    await waitFor('the failing subscriber to be dead-lettered', async () => (await outbox.stats()).dead === 40);
  } finally {
    await relay.stop();
  }
  // The healthy subscribers were called once per event: the failures repeated nothing for them.
  expect([projection.calls, stock.calls]).toEqual([40, 40]);
  expect(mail.calls).toBe(40 * 3);
  expect(await outbox.subscriberStats()).toEqual([{ subscriber: 'mail.Confirmation', pending: 0, dead: 40, oldestPendingAgeMs: 0 }]);
  const [first] = await outbox.list(['dead'], 1);
  expect(first).toMatchObject({ status: 'dead', attempts: 3, lastError: 'mail.Confirmation: mail server says 451' });
  expect(first!.deliveries.map((d) => [d.subscriber, d.status, d.attempts])).toEqual([
    ['history.Projection', 'delivered', 1],
    ['mail.Confirmation', 'dead', 3],
    ['stock.Reservation', 'delivered', 1],
  ]);
  expect(await outbox.list(['dead'], 100, 'history.Projection')).toEqual([]);
  expect(await outbox.list(['dead'], 100, 'mail.Confirmation')).toHaveLength(40);

  // The operator fixes the mail server and replays that subscriber's dead letters: only it is called again.
  mail.failing = false;
  await expect(outbox.replay(first!.id, 'history.Projection')).rejects.toThrow(
    `Cannot replay the delivery of event ${first!.id} to history.Projection: it is delivered; only dead or discarded deliveries can be.`,
  );
  expect(await outbox.replay(first!.id, 'mail.Confirmation')).toMatchObject({ status: 'pending' });
  expect(await outbox.replayAllDead('mail.Confirmation')).toBe(39);
  await relay.drain();
  expect(await effectsOf('mail.Confirmation')).toBe(40);
  expect([projection.calls, stock.calls]).toEqual([40, 40]);
  expect(await outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
  expect((await outbox.list(['delivered'], 1000)).every((e) => e.deliveries.every((d) => d.status === 'delivered'))).toBe(true);
}, 120_000);

it('does not let a slow subscriber delay the others', async () => {
  const transport = new InProcessEventTransport();
  const fast = new Recorder('history.Fast');
  const slow = new Recorder('mail.Slow');
  slow.delayMs = 3_000; // an SMTP server taking its time
  transport.subscribe(EntryAddedV1, fast);
  transport.subscribe(EntryAddedV1, slow);
  const relay = new OutboxRelay(ledger, 'ledger', connections.get('ledger')!.url, transport,
    { ...DEFAULT_RELAY_OPTIONS, batchSize: 5, idlePollMs: 50 }, silent);
  await relay.start();
  try {
    await publish(30, 30);
    // The fast subscriber gets all 30 while the slow one is still on its first batches.
    await waitFor('the fast subscriber to have every event', async () => (await effectsOf('history.Fast')) === 30, 20_000);
    expect(await effectsOf('mail.Slow')).toBeLessThan(30);
  } finally {
    await relay.stop();
  }
}, 60_000);

it('keeps an aggregate\'s events in order across the subscribers of one module, while other modules do not wait', async () => {
  const transport = new InProcessEventTransport();
  const confirmation = new Recorder('mail.Confirmation');
  const notice = new Recorder('mail.Notice');
  const projection = new Recorder('history.Projection');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // The mail module's first subscriber is stuck on the aggregate's first event (an SMTP server hanging).
  confirmation.hold = (event) => (event.payload.note === 'entry 0' ? held : undefined);
  for (const r of [confirmation, notice, projection]) transport.subscribe(EntryAddedV1, r);
  const relay = new OutboxRelay(ledger, 'ledger', connections.get('ledger')!.url, transport,
    { ...DEFAULT_RELAY_OPTIONS, leaseMs: 120_000, idlePollMs: 50 }, silent);
  await relay.start();
  try {
    await publish(2, 1);
    // Another module has both events, and the mail module's other subscriber the first one...
    await waitFor('the history module to have both events', async () => (await effectsOf('history.Projection')) === 2);
    await waitFor('the other mail subscriber to have the first event', async () => (await effectsOf('mail.Notice')) >= 1);
    // ...but not the second while the first is still pending for a subscriber of its module.
    expect(await outbox.list(['pending'], 10, 'mail.Notice')).toHaveLength(1);
    expect(await effectsOf('mail.Notice')).toBe(1);
    release();
    await waitFor('every subscriber to have both events', async () => (await effectsOf('mail.Confirmation')) === 2 && (await effectsOf('mail.Notice')) === 2);
  } finally {
    release();
    await relay.stop();
  }
  const { rows } = await admin.query(
    `SELECT e.subscriber, o.payload->>'note' AS note FROM audit.effects e JOIN ledger.outbox o ON o.id = e.event_id
      WHERE e.subscriber LIKE 'mail.%' ORDER BY e.n`,
  );
  const position = (subscriber: string, note: string) => rows.findIndex((r) => r.subscriber === subscriber && r.note === note);
  expect(position('mail.Confirmation', 'entry 0')).toBeLessThan(position('mail.Notice', 'entry 1'));
  expect(position('mail.Confirmation', 'entry 0')).toBeLessThan(position('mail.Confirmation', 'entry 1'));
}, 120_000);
