// Retention of the messaging tables: removes only events every subscriber has had for longer
// than the outbox retention, and inbox entries older than the inbox retention; keeps pending
// and dead-lettered events; a redelivery inside the inbox window is still absorbed; under a
// sustained load with the relay and the sweep running, the tables stay bounded.
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxAdmin,
  OutboxRelay,
  PeriodicJob,
  UnitOfWork,
  type EventEnvelope,
  type EventHandler,
  type ModuleConnection,
} from '../../src/index.js';
import { MessagingRetention } from '../../src/messaging/retention.js';
import { EntryAddedV1, openLedgerAndAudit, silent, TRUNCATE_ALL, type EntryAdded } from './messaging.fixture.js';

let testbed: Awaited<ReturnType<typeof openLedgerAndAudit>>;
let connections: Map<string, ModuleConnection>;
let admin: pg.Client;
let ledger: DataSource;
let audit: DataSource;
let publisher: UnitOfWork;
let subscriberUow: UnitOfWork;
let outbox: OutboxAdmin;

beforeAll(async () => {
  testbed = await openLedgerAndAudit();
  ({ connections, admin, ledger, audit, publisher, subscriberUow, outbox } = testbed);
});

afterAll(async () => {
  await testbed?.close();
});

beforeEach(async () => {
  await admin.query(TRUNCATE_ALL);
});

class Auditor implements EventHandler<EntryAdded> {
  failNotes = new Set<string>();
  constructor(readonly name: string) {}
  readonly handle = async (event: EventEnvelope<EntryAdded>) => {
    if (this.failNotes.has(event.payload.note)) throw new Error(`cannot record ${event.payload.note}`);
    await subscriberUow.transactionOnce(event, this.name, async (tx) => {
      await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
    });
  };
}

async function publish(note: string, aggregateId = note): Promise<EventEnvelope<EntryAdded>> {
  return publisher.transaction(async (tx) => tx.outbox.add(EntryAddedV1, { aggregateId, payload: { note } }));
}

function relayFor(transport: InProcessEventTransport) {
  return new OutboxRelay(ledger, 'ledger', connections.get('ledger')!.url, transport, { ...DEFAULT_RELAY_OPTIONS, maxAttempts: 1, idlePollMs: 20 }, silent);
}

const HOUR = 3_600_000;

async function notes(status?: string): Promise<string[]> {
  const { rows } = await admin.query(
    `SELECT payload->>'note' AS note FROM ledger.outbox ${status ? 'WHERE status = $1' : ''} ORDER BY seq`,
    status ? [status] : [],
  );
  return rows.map((r) => r.note);
}

it('removes only events every subscriber has had for longer than the window, never pending or dead ones', async () => {
  const transport = new InProcessEventTransport();
  const auditor = new Auditor('audit.RecordEntry');
  transport.subscribe(EntryAddedV1, auditor);
  auditor.failNotes.add('dead kept').add('dead then discarded');
  for (const note of ['old delivered', 'recent delivered', 'dead kept', 'dead then discarded']) await publish(note);
  await relayFor(transport).drain();
  const deadThenDiscarded = (await outbox.list(['dead'])).find((e) => (e.payload as EntryAdded).note === 'dead then discarded')!;
  expect(await outbox.discard(deadThenDiscarded.id)).toMatchObject({ status: 'discarded' });
  const oldDiscarded = await publish('old discarded');
  await outbox.discard(oldDiscarded.id);
  await publish('pending');
  await admin.query(`UPDATE ledger.outbox SET next_attempt_at = now() + interval '1 hour' WHERE payload->>'note' = 'pending'`); // parked
  await admin.query(`UPDATE ledger.outbox SET occurred_at = occurred_at - interval '2 hours', delivered_at = delivered_at - interval '2 hours'
                      WHERE payload->>'note' <> 'recent delivered'`);
  await admin.query(`UPDATE audit.inbox SET processed_at = processed_at - interval '2 hours'
                      WHERE event_id IN (SELECT id FROM ledger.outbox WHERE payload->>'note' = 'old delivered')`);

  const retention = (sql: typeof ledger, schema: string) =>
    new MessagingRetention(sql, schema, { outboxRetentionMs: HOUR, inboxRetentionMs: HOUR, batchSize: 1, intervalMs: 60_000 });
  expect(await retention(ledger, 'ledger').sweep()).toEqual({ outbox: 3, inbox: 0 }); // in batches of one
  expect(await notes()).toEqual(['recent delivered', 'dead kept', 'pending']);
  const { rows: orphans } = await admin.query(`SELECT count(*)::int AS n FROM ledger.outbox_delivery d
                                                 WHERE NOT EXISTS (SELECT 1 FROM ledger.outbox o WHERE o.seq = d.event_seq)`);
  expect(orphans[0].n).toBe(0);
  expect(await retention(audit, 'audit').sweep()).toEqual({ outbox: 0, inbox: 1 });
  const { rows: inbox } = await admin.query(`SELECT o.payload->>'note' AS note FROM audit.inbox i JOIN ledger.outbox o ON o.id = i.event_id`);
  expect(inbox).toEqual([{ note: 'recent delivered' }]);

  // A redelivery inside the inbox window (a lease lapsed after the handler committed) is absorbed.
  await admin.query(`UPDATE ledger.outbox_delivery SET status = 'pending', next_attempt_at = now()
                      WHERE event_seq = (SELECT seq FROM ledger.outbox WHERE payload->>'note' = 'recent delivered')`);
  expect(await relayFor(transport).drain()).toBe(1);
  expect((await admin.query('SELECT count(*)::int AS n FROM audit.seen')).rows[0].n).toBe(2); // old + recent, once each
  expect((await outbox.list(['delivered'])).map((e) => (e.payload as EntryAdded).note)).toEqual(['recent delivered']);
}, 60_000);

it('keeps the tables bounded under a sustained load while the relay and the sweep run', async () => {
  const transport = new InProcessEventTransport();
  // Subscribers whose only trace is their inbox entry.
  for (const name of ['audit.One', 'audit.Two']) {
    transport.subscribe(EntryAddedV1, { name, handle: async (event) => void (await subscriberUow.transactionOnce(event, name, async () => undefined)) });
  }
  const windowMs = 300;
  const sweepMs = 100;
  const relay = relayFor(transport);
  const options = { outboxRetentionMs: windowMs, inboxRetentionMs: windowMs, batchSize: 200, intervalMs: sweepMs };
  const jobs = [new MessagingRetention(ledger, 'ledger', options), new MessagingRetention(audit, 'audit', options)].map(
    (retention) => new PeriodicJob('retention', sweepMs, () => retention.sweep(), (message) => { throw new Error(message); }),
  );
  const published: number[] = [];
  const overdueMs = windowMs + sweepMs * 1.25 + 1_000;
  const samples: { outbox: number; deliveries: number; inbox: number; overdue: number }[] = [];
  // Rows the sweep should have removed by now: delivered (or inbox entries written) longer ago
  // than the retention window plus one sweep interval and a second of slack.
  const sample = async () => {
    const { rows } = await admin.query(
      `SELECT (SELECT count(*) FROM ledger.outbox)::int AS outbox,
              (SELECT count(*) FROM ledger.outbox_delivery)::int AS deliveries,
              (SELECT count(*) FROM audit.inbox)::int AS inbox,
              ((SELECT count(*) FROM ledger.outbox WHERE delivered_at < now() - $1 * interval '1 millisecond')
                + (SELECT count(*) FROM audit.inbox WHERE processed_at < now() - $1 * interval '1 millisecond'))::int AS overdue`,
      [overdueMs],
    );
    samples.push(rows[0]);
  };
  await relay.start();
  jobs.forEach((job) => job.start());
  try {
    const loadEnds = Date.now() + 4_000;
    let n = 0;
    while (Date.now() < loadEnds) {
      await Promise.all([0, 1, 2, 3].map(() => publish(`load ${n++}`, `agg-${n % 20}`).then(() => published.push(Date.now()))));
      if (n % 40 === 0) await sample();
    }
    // After the load: everything is delivered and, one window later, swept away.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await sample();
      const last = samples[samples.length - 1]!;
      if (last.outbox + last.deliveries + last.inbox === 0) break;
      if (Date.now() > deadline) {
        const { rows } = await admin.query(`SELECT o.status, o.fanned_out, o.delivered_at IS NULL AS no_delivered_at, d.status AS d_status, d.delivered_at IS NULL AS d_null, count(*)::int
          FROM ledger.outbox o LEFT JOIN ledger.outbox_delivery d ON d.event_seq = o.seq GROUP BY 1, 2, 3, 4, 5`);
        throw new Error(`tables not emptied after the load: ${JSON.stringify(last)} ${JSON.stringify(rows)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(jobs.map((job) => job.stop()));
    await relay.stop();
  }
  // Nothing outlived the window by more than a sweep: what the tables hold is the backlog the
  // relay has not delivered yet plus one retention window, however long the load goes on.
  expect(samples.filter((s) => s.overdue > 0)).toEqual([]);
  expect(published.length).toBeGreaterThan(0);
}, 90_000);
