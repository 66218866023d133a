// transactionOnce with shareTransaction: the events a relay batch hands one handler at once share
// one transaction (one inbox insert, one commit), and the guarantees of one transaction per event
// hold - exactly once per (event, handler), a failing event fails alone, each event's work runs in
// its own causation - against a real PostgreSQL, through the kernel's public API.
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxRelay,
  runWithCausation,
  type EventEnvelope,
  type EventHandler,
} from '../../src/index.js';
import { EntryAddedV1, openLedgerAndAudit, silent, TRUNCATE_ALL, type EntryAdded } from './messaging.fixture.js';

let bed: Awaited<ReturnType<typeof openLedgerAndAudit>>;

beforeAll(async () => {
  bed = await openLedgerAndAudit();
});

afterAll(async () => {
  await bed?.close();
});

beforeEach(async () => {
  await bed.admin.query(TRUNCATE_ALL);
  await bed.admin.query('TRUNCATE audit.outbox, audit.outbox_delivery');
});

/** Records each event in audit.seen; fails for the notes in failNotes; shares transactions or not. */
class Auditor implements EventHandler<EntryAdded> {
  readonly name = 'audit.RecordEntry';
  readonly failNotes = new Set<string>();
  constructor(private readonly shareTransaction: boolean) {}
  readonly handle = async (event: EventEnvelope<EntryAdded>) => {
    await bed.subscriberUow.transactionOnce(
      event,
      this.name,
      async (tx) => {
        await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
        if (this.failNotes.has(event.payload.note)) throw new Error(`cannot record ${event.payload.note}`);
      },
      { shareTransaction: this.shareTransaction },
    );
  };
}

function relayFor(auditor: Auditor) {
  const transport = new InProcessEventTransport();
  transport.subscribe(EntryAddedV1, auditor);
  return new OutboxRelay(bed.ledger, 'ledger', bed.connections.get('ledger')!.url, transport, { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 60_000 }, silent);
}

async function addEntries(count: number) {
  for (let i = 0; i < count; i++) {
    await bed.publisher.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV1, { aggregateId: `book-${i}`, payload: { note: `note-${i}` } });
    });
  }
}

/** How many transactions wrote the handler's inbox rows (xmin: the writing transaction's id). */
async function inboxTransactions(): Promise<{ rows: number; transactions: number }> {
  const { rows } = await bed.admin.query(`SELECT count(*)::int AS rows, count(DISTINCT xmin::text)::int AS transactions FROM audit.inbox`);
  return rows[0];
}

it('delivers a batch to a sharing handler in one transaction, and to a non-sharing one in one per event', async () => {
  await addEntries(12);
  expect(await relayFor(new Auditor(true)).drain()).toBe(12);
  expect(await inboxTransactions()).toEqual({ rows: 12, transactions: 1 });

  await bed.admin.query(TRUNCATE_ALL);
  await addEntries(12);
  expect(await relayFor(new Auditor(false)).drain()).toBe(12);
  expect(await inboxTransactions()).toEqual({ rows: 12, transactions: 12 });
});

it('lets a failing event fail alone: the others of its batch are delivered once, it is retried', async () => {
  await addEntries(6);
  const auditor = new Auditor(true);
  auditor.failNotes.add('note-3');
  const relay = relayFor(auditor);
  expect(await relay.drain()).toBe(6);

  const seen = await bed.admin.query('SELECT aggregate_id FROM audit.seen ORDER BY aggregate_id');
  expect(seen.rows.map((r) => r.aggregate_id)).toEqual(['book-0', 'book-1', 'book-2', 'book-4', 'book-5']);
  expect((await inboxTransactions()).rows).toBe(5);
  const deliveries = await bed.admin.query(`SELECT o.payload->>'note' AS note, d.status, d.last_error FROM ledger.outbox_delivery d JOIN ledger.outbox o ON o.seq = d.event_seq WHERE d.status <> 'delivered'`);
  expect(deliveries.rows).toEqual([{ note: 'note-3', status: 'pending', last_error: 'audit.RecordEntry: cannot record note-3' }]);

  // Delivered again (as a replay or a lapsed lease would), the batch changes nothing: the inbox absorbs it.
  auditor.failNotes.clear();
  const handled = await Promise.all(
    (await bed.admin.query(`SELECT id, type, version, aggregate_id, correlation_id, payload, occurred_at FROM ledger.outbox ORDER BY seq`)).rows.map((r) =>
      bed.subscriberUow.transactionOnce(envelope(r), auditor.name, async (tx) => {
        await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [r.id, r.aggregate_id]);
      }, { shareTransaction: true }),
    ),
  );
  expect(handled.filter(Boolean)).toHaveLength(1); // only note-3 was new
  expect((await inboxTransactions()).rows).toBe(6);
});

it('runs the work of an event given twice at the same moment once', async () => {
  const event = envelope({ id: randomUUID(), type: EntryAddedV1.type, version: 1, aggregate_id: 'book-1', correlation_id: 'c', payload: { note: 'twice' }, occurred_at: new Date() });
  let runs = 0;
  const work = async () => void runs++;
  const other = { ...event, id: randomUUID() };
  const outcomes = await Promise.all([
    bed.subscriberUow.transactionOnce(event, 'audit.RecordEntry', work, { shareTransaction: true }),
    bed.subscriberUow.transactionOnce(event, 'audit.RecordEntry', work, { shareTransaction: true }),
    bed.subscriberUow.transactionOnce(other, 'audit.RecordEntry', work, { shareTransaction: true }),
  ]);
  expect(runs).toBe(2);
  expect(outcomes.filter(Boolean)).toHaveLength(2);
  expect(await inboxTransactions()).toEqual({ rows: 2, transactions: 1 });
});

it("runs each event's work in that event's causation, so the events it publishes name their cause", async () => {
  const events = [1, 2, 3].map((n) =>
    envelope({ id: randomUUID(), type: EntryAddedV1.type, version: 1, aggregate_id: `book-${n}`, correlation_id: `flow-${n}`, payload: { note: `n${n}` }, occurred_at: new Date() }),
  );
  await Promise.all(
    events.map((event) =>
      runWithCausation({ correlationId: event.correlationId, causationId: event.id }, () =>
        bed.subscriberUow.transactionOnce(event, 'audit.RecordEntry', async (tx) => {
          tx.outbox.add(EntryAddedV1, { aggregateId: event.aggregateId, payload: { note: `after ${event.payload.note}` } });
        }, { shareTransaction: true }),
      ),
    ),
  );
  const { rows } = await bed.admin.query(`SELECT aggregate_id, correlation_id, causation_id::text, xmin::text AS tx FROM audit.outbox ORDER BY aggregate_id`);
  expect(rows.map((r) => [r.aggregate_id, r.correlation_id, r.causation_id])).toEqual(events.map((e) => [e.aggregateId, e.correlationId, e.id]));
  expect(new Set(rows.map((r) => r.tx)).size).toBe(1);
});

function envelope(r: { id: string; type: string; version: number; aggregate_id: string; correlation_id: string; payload: unknown; occurred_at: Date }): EventEnvelope<EntryAdded> {
  return {
    id: r.id,
    type: r.type,
    version: r.version,
    aggregateId: r.aggregate_id,
    correlationId: r.correlation_id,
    causationId: null,
    occurredAt: new Date(r.occurred_at).toISOString(),
    payload: r.payload as EntryAdded,
  };
}
