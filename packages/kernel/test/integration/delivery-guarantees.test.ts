// The delivery guarantees, one suite run against both transports (the in-process one and NATS
// JetStream, see delivery-paths.ts), on a real PostgreSQL: effects happen exactly once although an
// event is delivered again, a failing handler gets the event again, each aggregate's events are
// handled in order while earlier ones are retried, and an event that keeps failing becomes a dead
// letter that a replay delivers once the cause is fixed. Then the operator tools of the outbox and
// the consumer-side schema check, which do not depend on the transport.
import type { EventEnvelope, EventHandler, RelayOptions } from '../../src/index.js';
import { DEFAULT_RELAY_OPTIONS, InProcessEventTransport, OutboxRelay } from '../../src/index.js';
import { inProcess, jetStream, settle, type DeliveryPath, type DeliveryPathKind } from './delivery-paths.js';
import { brokerTestsRun, EntryAddedV1, openLedgerAndAudit, silent, TRUNCATE_ALL, until, type EntryAdded } from './messaging.fixture.js';

let testbed: Awaited<ReturnType<typeof openLedgerAndAudit>>;

beforeAll(async () => {
  testbed = await openLedgerAndAudit();
}, 120_000);

afterAll(async () => {
  await testbed?.close();
});

beforeEach(async () => {
  await testbed.admin.query(`${TRUNCATE_ALL}, audit.outbox, audit.outbox_delivery`);
});

/** The audit module's handler: records what it saw in its own transaction; can fail for given notes, a number of times or always. */
class Auditor implements EventHandler<EntryAdded> {
  readonly name = 'audit.RecordEntry';
  readonly failures = new Map<string, number>();
  readonly handle = async (event: EventEnvelope<EntryAdded>) => {
    await testbed.subscriberUow.transactionOnce(event, this.name, async (tx) => {
      await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
      const left = this.failures.get(event.payload.note) ?? 0;
      if (left > 0) {
        this.failures.set(event.payload.note, left - 1);
        throw new Error(`cannot record ${event.payload.note}`);
      }
    });
  };
}

async function addEntry(note: string, aggregateId = 'book-1'): Promise<void> {
  await testbed.publisher.transaction(async (tx) => {
    await tx.manager.query('INSERT INTO ledger.entries (note) VALUES ($1)', [note]);
    tx.outbox.add(EntryAddedV1, { aggregateId, payload: { note } });
  });
}

/** What the handler committed, in the order it committed it, with each event's note. */
async function seen(): Promise<{ event_id: string; aggregate_id: string; note: string }[]> {
  const { rows } = await testbed.admin.query(
    `SELECT s.event_id, s.aggregate_id, o.payload->>'note' AS note
       FROM audit.seen s JOIN ledger.outbox o ON o.id = s.event_id
      ORDER BY s.at, o.seq`,
  );
  return rows;
}

async function seenNotes(): Promise<string[]> {
  return (await seen()).map((r) => r.note);
}

function guarantees(kind: DeliveryPathKind) {
  let path: DeliveryPath;
  beforeAll(async () => {
    path = await kind.open(testbed);
  }, 120_000);
  afterAll(async () => {
    await path?.close();
  });
  afterEach(async () => {
    await path?.stop();
  });

  it('has each effect happen once although the relay delivers an event a second time', async () => {
    await path.start(new Auditor() as EventHandler<unknown>, 5);
    await addEntry('first');
    await path.relay();
    await until(async () => ((await seenNotes()).length === 1 ? true : undefined), 'the event to be handled');
    // The relay died after the delivery but before recording it: the event goes out again.
    await testbed.admin.query(`UPDATE ledger.outbox_delivery SET status = 'pending', next_attempt_at = now()`);
    await testbed.admin.query(`UPDATE ledger.outbox SET status = 'pending'`);
    await path.relay();
    // A later event of the same aggregate is handled after the repeated one, if that came through.
    await addEntry('second');
    await path.relay();
    await until(async () => ((await seenNotes()).includes('second') ? true : undefined), 'the next event to be handled');
    expect(await seenNotes()).toEqual(['first', 'second']);
    expect((await testbed.admin.query('SELECT count(*)::int AS n FROM audit.inbox')).rows[0].n).toBe(2);
  });

  it('delivers again an event whose handler failed, until it succeeds once', async () => {
    const auditor = new Auditor();
    auditor.failures.set('flaky', 2);
    await path.start(auditor as EventHandler<unknown>, 5);
    await addEntry('flaky');
    await path.relay();
    await until(async () => ((await seenNotes()).length === 1 ? true : undefined), 'the event to be handled');
    expect(auditor.failures.get('flaky')).toBe(0); // it failed twice before
    expect(await seenNotes()).toEqual(['flaky']);
    expect(await path.deadLetters.list(['dead'])).toEqual([]);
  });

  it('keeps the events of each aggregate in order while earlier ones are being retried', async () => {
    const auditor = new Auditor();
    // Every third handling fails, so retries hit every aggregate at different positions.
    let calls = 0;
    const flaky: EventHandler<EntryAdded> = {
      name: auditor.name,
      handle: async (event) => {
        if (++calls % 3 === 0) throw new Error('transient');
        await auditor.handle(event);
      },
    };
    await path.start(flaky as EventHandler<unknown>, 50);
    const aggregates = ['a', 'b', 'c'];
    for (let i = 0; i < 6; i++) for (const a of aggregates) await addEntry(`${a}${i}`, a);
    await path.relay();
    const rows = await until(async () => {
      const all = await seen();
      return all.length === 18 ? all : undefined;
    }, 'eighteen events to be handled');
    for (const a of aggregates) {
      expect(rows.filter((r) => r.aggregate_id === a).map((r) => r.note)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${a}${i}`));
    }
    expect(calls).toBeGreaterThan(18);
  });

  it('dead-letters an event whose handler keeps failing, goes on with the aggregate, and replays it once the cause is fixed', async () => {
    const auditor = new Auditor();
    auditor.failures.set('poison', 1_000);
    await path.start(auditor as EventHandler<unknown>, 3);
    await addEntry('poison', 'book-p');
    await addEntry('after', 'book-p');
    await path.relay();
    const [dead] = await until(async () => {
      const list = await path.deadLetters.list(['dead']);
      return list.length === 1 ? list : undefined;
    }, 'the dead letter');
    expect(dead).toMatchObject({ type: 'ledger.EntryAdded', status: 'dead', attempts: 3, lastError: path.failure('cannot record poison') });
    // The aggregate is not stuck behind it.
    await until(async () => ((await seenNotes()).includes('after') ? true : undefined), 'the next event of the aggregate');

    auditor.failures.delete('poison'); // the operator fixes the cause...
    expect(await path.deadLetters.replay(dead!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    await path.relayReplayed(); // ...and the replayed event goes through, once
    expect(await path.deadLetters.get(dead!.id)).toMatchObject({ status: 'delivered', lastError: null });
    expect(await seenNotes()).toEqual(['after', 'poison']);
    expect(await path.deadLetters.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
  });
}

describe(`delivery guarantees over ${inProcess.name}`, () => guarantees(inProcess));
(brokerTestsRun() ? describe : describe.skip)(`delivery guarantees over ${jetStream.name}`, () => guarantees(jetStream));

describe('operator tools and the consumer-side schema check (the outbox, whatever the transport)', () => {
  function relayFor(transport: InProcessEventTransport, options: Partial<RelayOptions> = {}) {
    return new OutboxRelay(testbed.ledger, 'ledger', testbed.connections.get('ledger')!.url, transport, { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 1, backoffMaxMs: 5, ...options }, silent);
  }

  it('replays every dead-lettered event of an outbox at once, after an outage longer than the retries', async () => {
    const transport = new InProcessEventTransport();
    const auditor = new Auditor();
    auditor.failures.set('first', 1_000).set('second', 1_000);
    transport.subscribe(EntryAddedV1, auditor);
    await addEntry('first', 'a');
    await addEntry('second', 'b');
    const relay = relayFor(transport, { maxAttempts: 2 });
    await settle(relay, testbed.outbox);
    expect((await testbed.outbox.stats()).dead).toBe(2);

    auditor.failures.clear();
    expect(await testbed.outbox.replayAllDead()).toBe(2);
    await settle(relay, testbed.outbox);
    expect(await testbed.outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
    expect((await seenNotes()).sort()).toEqual(['first', 'second']);
  });

  it('lets an operator discard an event, which is then never delivered, and refuses to replay a delivered one', async () => {
    const transport = new InProcessEventTransport();
    transport.subscribe(EntryAddedV1, new Auditor());
    await addEntry('unwanted');
    const [pending] = await testbed.outbox.list();
    expect(await testbed.outbox.discard(pending!.id)).toMatchObject({ status: 'discarded' });
    await settle(relayFor(transport), testbed.outbox);
    expect(await seenNotes()).toEqual([]);

    await testbed.outbox.replay(pending!.id);
    await settle(relayFor(transport), testbed.outbox);
    expect(await seenNotes()).toEqual(['unwanted']);
    await expect(testbed.outbox.replay(pending!.id)).rejects.toThrow(/it is delivered; only dead or discarded events can be/);
    await expect(testbed.outbox.discard('5d1c1f4e-0000-4000-8000-000000000000')).rejects.toThrow(/does not exist/);
    expect(await testbed.outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });
  });

  it('dead-letters an event whose payload breaks the schema on the consumer side, reaching no handler', async () => {
    const transport = new InProcessEventTransport();
    const lenient: EventHandler<unknown> & { calls: number } = {
      name: 'audit.Lenient',
      calls: 0,
      handle: async () => void lenient.calls++,
    };
    transport.subscribe(EntryAddedV1, new Auditor());
    transport.subscribe({ ...EntryAddedV1, problems: () => [] }, lenient);
    // A publisher on an older contract wrote a payload v1 consumers cannot read (bypassing its own check).
    await testbed.admin.query(
      `INSERT INTO ledger.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at)
       VALUES (gen_random_uuid(), 'ledger.EntryAdded', 1, 'book-1', 'c-1', '{"text":"renamed field"}', now())`,
    );
    await settle(relayFor(transport), testbed.outbox);
    const [dead] = await testbed.outbox.list();
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'audit.RecordEntry rejects the payload: note must be a non-empty string',
    });
    expect(lenient.calls).toBe(0);
    expect((await testbed.admin.query('SELECT count(*)::int AS n FROM audit.seen')).rows[0].n).toBe(0);
  });
});
