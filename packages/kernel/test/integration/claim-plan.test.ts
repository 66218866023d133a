// The relay's claim must cost the same whatever the backlog and the history: with 100,000
// pending deliveries and 1,000,000 delivered ones (and their events), PostgreSQL's plan for the
// claim walks the partial indexes in due order and stops at the batch size; it never reads the
// delivered history. Likewise for fan-out and the retention sweep.
import pg from 'pg';
import { provisionModuleDatabases } from '../../src/index.js';
import { claimStatement, fanOutStatement } from '../../src/messaging/outbox-relay.js';
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
  // The history first (delivered long ago), then the backlog: 1,000 aggregates, one subscriber
  // ('ledger.Slow') with the whole backlog waiting.
  await admin.query(`
    INSERT INTO ledger.outbox (seq, id, type, version, aggregate_id, correlation_id, payload, occurred_at, status, fanned_out, delivered_at)
    SELECT n, gen_random_uuid(), 'ledger.EntryAdded', 1, 'agg-' || (n % 1000), 'c', '{"note":"x"}', now() - interval '1 day',
           CASE WHEN n <= $1::int THEN 'delivered' ELSE 'pending' END, true,
           CASE WHEN n <= $1::int THEN now() - interval '1 day' END
      FROM generate_series(1, $1::int + $2::int) n`, [DELIVERED, PENDING]);
  await admin.query(`
    INSERT INTO ledger.outbox_delivery (event_seq, subscriber, consumer, aggregate_id, occurred_at, status, attempts, next_attempt_at, delivered_at)
    SELECT n, 'ledger.Slow', 'ledger', 'agg-' || (n % 1000), now() - interval '1 day',
           CASE WHEN n <= $1::int THEN 'delivered' ELSE 'pending' END, 1, now() - interval '1 day',
           CASE WHEN n <= $1::int THEN now() - interval '1 day' END
      FROM generate_series(1, $1::int + $2::int) n`, [DELIVERED, PENDING]);
  await admin.query(`SELECT setval('ledger.outbox_seq_seq', $1)`, [DELIVERED + PENDING]);
  await admin.query('ANALYZE ledger.outbox; ANALYZE ledger.outbox_delivery');
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

/** EXPLAIN ANALYZE inside a transaction that is rolled back (the claim and fan-out write). */
async function explain(sql: string, params: unknown[]): Promise<PlanNode[]> {
  await admin.query('BEGIN');
  try {
    await admin.query('SET LOCAL search_path = ledger');
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

it('claims a batch through the due and head indexes, reading about a batch of rows, not the backlog or the history', async () => {
  const plan = await explain(claimStatement('ledger'), ['ledger.Slow', 50, '00000000-0000-4000-8000-000000000001', 15_000]);
  expect(plan.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
  const indexes = plan.map((n) => n['Index Name']).filter(Boolean);
  expect(indexes).toEqual(expect.arrayContaining(['outbox_delivery_due', 'outbox_delivery_head']));
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
