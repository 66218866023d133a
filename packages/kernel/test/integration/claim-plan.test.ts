// The relay's claim must cost the same whatever the backlog and the history: with 100,000
// pending deliveries and 1,000,000 delivered ones (and their events), PostgreSQL's plan for the
// claim walks the partial index in due order, probes each candidate's aggregate, and stops at the
// batch size; it never reads the delivered history, nor the whole backlog per candidate. Likewise
// for fan-out. And it must do so whatever the statistics say: those taken while nothing was
// pending (the usual state of a big history with a relay that keeps up) made the planner read the
// whole pending index once per candidate row (issue 17, docs/performance.md), so the backlog
// arrives here after ANALYZE, and the first tests run before the statistics know of it.
import pg from 'pg';
import { provisionModuleDatabases } from '../../src/index.js';
import { claimStatement, completeStatement, fanOutStatement } from '../../src/messaging/outbox-relay.js';
import { stragglersStatement } from '../../src/messaging/settle.js';
import { ledgerModule, startKernelTestPostgres } from './messaging.fixture.js';

let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
let admin: pg.Client;

const PENDING = 100_000;
const DELIVERED = 1_000_000;

beforeAll(async () => {
  postgres = await startKernelTestPostgres();
  await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule] });
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
  // The history first (delivered long ago), and the statistics taken then: nothing pending.
  await admin.query(`
    INSERT INTO ledger.outbox (seq, id, type, version, aggregate_id, correlation_id, payload, occurred_at, status, fanned_out, delivered_at)
    SELECT n, gen_random_uuid(), 'ledger.EntryAdded', 1, 'agg-' || (n % 1000), 'c', '{"note":"x"}', now() - interval '1 day', 'delivered', true, now() - interval '1 day'
      FROM generate_series(1, $1::int) n`, [DELIVERED]);
  await admin.query(`
    INSERT INTO ledger.outbox_delivery (event_seq, subscriber, consumer, aggregate_id, occurred_at, status, attempts, next_attempt_at, delivered_at)
    SELECT n, 'ledger.Slow', 'ledger', 'agg-' || (n % 1000), now() - interval '1 day', 'delivered', 1, now() - interval '1 day', now() - interval '1 day'
      FROM generate_series(1, $1::int) n`, [DELIVERED]);
  await admin.query('ANALYZE ledger.outbox; ANALYZE ledger.outbox_delivery');
  // Then the backlog: 1,000 aggregates, one subscriber ('ledger.Slow') with all of it waiting.
  await admin.query(`
    INSERT INTO ledger.outbox (seq, id, type, version, aggregate_id, correlation_id, payload, occurred_at, status, fanned_out)
    SELECT n, gen_random_uuid(), 'ledger.EntryAdded', 1, 'agg-' || (n % 1000), 'c', '{"note":"x"}', now() - interval '1 day', 'pending', true
      FROM generate_series($1::int + 1, $1::int + $2::int) n`, [DELIVERED, PENDING]);
  await admin.query(`
    INSERT INTO ledger.outbox_delivery (event_seq, subscriber, consumer, aggregate_id, occurred_at, status, attempts, next_attempt_at)
    SELECT n, 'ledger.Slow', 'ledger', 'agg-' || (n % 1000), now() - interval '1 day', 'pending', 1, now() - interval '1 day'
      FROM generate_series($1::int + 1, $1::int + $2::int) n`, [DELIVERED, PENDING]);
  await admin.query(`SELECT setval('ledger.outbox_seq_seq', $1)`, [DELIVERED + PENDING]);
}, 600_000);

afterAll(async () => {
  await admin?.end();
  await postgres?.stop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** EXPLAIN ANALYZE inside a transaction that is rolled back (the claim and fan-out write), after `setup` in it. */
async function explain(sql: string, params: unknown[], setup: string[] = []): Promise<PlanNode[]> {
  await admin.query('BEGIN');
  try {
    await admin.query('SET LOCAL search_path = ledger');
    await admin.query(`SET LOCAL statement_timeout = '30s'`); // a plan that reads the backlog per row fails here, not after minutes
    for (const statement of setup) await admin.query(statement);
    const { rows } = await admin.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    return nodes(rows[0]['QUERY PLAN'][0].Plan as PlanNode);
  } finally {
    await admin.query('ROLLBACK');
  }
}

/** Rows the plan read from each relation, over all loops. */
function rowsRead(plan: PlanNode[], relation: string): number {
  return plan.filter((n) => n['Relation Name'] === relation && /Scan/.test(n['Node Type']))
    .reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);
}

const CLAIM_PARAMS = ['ledger.Slow', 50, '00000000-0000-4000-8000-000000000001', 15_000];

describe('with statistics taken before the backlog arrived (nothing pending then)', () => {
  it('claims a batch with one probe per candidate, not a read of the whole backlog per candidate', async () => {
    const plan = await explain(claimStatement('ledger'), CLAIM_PARAMS);
    expect(plan.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(plan.map((n) => n['Index Name'])).toEqual(expect.arrayContaining(['outbox_delivery_due', 'outbox_delivery_by_aggregate']));
    // 50 claimed, a probe each (with the old partial-index check: 50 x 100,000 rows)
    expect(rowsRead(plan, 'outbox_delivery')).toBeLessThan(5_000);
  }, 120_000);

  it('completes a batch through the primary key, not a read of the backlog', async () => {
    const { rows } = await admin.query(`SELECT array_agg(event_seq::text) AS seqs FROM (SELECT event_seq FROM ledger.outbox_delivery WHERE status = 'pending' ORDER BY event_seq LIMIT 50) s`);
    const seqs: string[] = rows[0].seqs;
    const plan = await explain(completeStatement('ledger'), ['ledger.Slow', seqs, seqs.map(() => 'delivered'), seqs.map(() => null), seqs.map(() => 0), '00000000-0000-4000-8000-000000000001']);
    expect(rowsRead(plan, 'outbox_delivery')).toBeLessThan(1_000);
  }, 120_000);

  it('fans out 2,000 new events with one probe per event, not a read of all unfanned events per event', async () => {
    const plan = await explain(fanOutStatement('ledger'), ['orderly_fan_out_ledger', 500, ['ledger.EntryAdded'], ['ledger.Slow'], ['ledger']], [
      `INSERT INTO ledger.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at)
       SELECT gen_random_uuid(), 'ledger.EntryAdded', 1, 'fresh-' || n, 'c', '{"note":"x"}', now() FROM generate_series(1, 2000) n`,
    ]);
    expect(plan.map((n) => n['Index Name'])).toEqual(expect.arrayContaining(['outbox_unfanned', 'outbox_by_aggregate']));
    expect(rowsRead(plan, 'outbox')).toBeLessThan(5_000); // with the old check: 500 x 2,000
  }, 120_000);

  it('looks for stragglers with one primary-key probe per pending event', async () => {
    // settleStragglers (run by each retention sweep): every pending event here still has its pending
    // delivery, so all 100,000 are looked at - one probe each, not a walk of the pending deliveries each.
    const plan = await explain(stragglersStatement('ledger'), [5_000]);
    expect(plan.map((n) => n['Index Name'])).toContain('outbox_delivery_pkey');
    expect(rowsRead(plan, 'outbox_delivery')).toBeLessThanOrEqual(rowsRead(plan, 'outbox'));
  }, 120_000);
});

describe('with fresh statistics', () => {
  beforeAll(async () => {
    await admin.query('ANALYZE ledger.outbox; ANALYZE ledger.outbox_delivery');
  }, 120_000);

  it('claims a batch through the due and aggregate indexes, reading about a batch of rows, not the backlog or the history', async () => {
    const plan = await explain(claimStatement('ledger'), CLAIM_PARAMS);
    expect(plan.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const indexes = plan.map((n) => n['Index Name']).filter(Boolean);
    expect(indexes).toEqual(expect.arrayContaining(['outbox_delivery_due', 'outbox_delivery_by_aggregate']));
    // 50 claimed; the head check and the join read a few rows per claimed row - never the 1,100,000.
    expect(rowsRead(plan, 'outbox_delivery')).toBeLessThan(5_000);
    expect(rowsRead(plan, 'outbox')).toBeLessThan(1_000);
  }, 120_000);

  it('fans out through the index of events not fanned out yet', async () => {
    await admin.query(`INSERT INTO ledger.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at)
                       SELECT gen_random_uuid(), 'ledger.EntryAdded', 1, 'new-' || n, 'c', '{"note":"x"}', now() FROM generate_series(1, 10) n`);
    await admin.query('ANALYZE ledger.outbox');
    const plan = await explain(fanOutStatement('ledger'), ['orderly_fan_out_ledger', 500, ['ledger.EntryAdded'], ['ledger.Slow'], ['ledger']]);
    expect(plan.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'outbox')).toEqual([]);
    expect(plan.map((n) => n['Index Name'])).toContain('outbox_unfanned');
    expect(rowsRead(plan, 'outbox')).toBeLessThan(1_000);
  }, 120_000);
});
