// `npm run bench -- --scale` preloads a million orders; this shows, on real PostgreSQL with the
// same generated rows (fewer, to stay fast) and fresh statistics, that every query on the hot
// paths finds its rows through an index instead of reading a whole table - the plans that keep
// the measured figures flat as the data grows. It asserts nothing about speed. The relay's
// statements are also run (EXPLAIN ANALYZE, rolled back) against a backlog that arrived after the
// statistics were taken - when nothing was pending, as after the preload: they must read about a
// batch of rows, not the backlog once per candidate row (the million-order run's collapse).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@orderly/testing';
// @ts-expect-error plain ESM modules of the benchmark, without type declarations
import { startBenchDatabase } from '../../src/bench-database.mjs';
// @ts-expect-error see above
import { preloadScaleData, scaleOrderId, scaleProductId } from '../../src/scale-data.mjs';
// @ts-expect-error see above
import { CLAIM, COMPLETE, CONFIRM_RESERVATION, FAN_OUT, NEXT_DUE, SETTLE } from '../../src/baseline-event-work.mjs';

interface BenchDatabase {
  admin: { query(sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };
  stop(): Promise<void>;
}

const ORDERS = 30_000;
const PRODUCTS = 3_000;
let dir: string;
let db: BenchDatabase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderly-scale-plans-'));
  db = await startBenchDatabase({ dataDir: join(dir, 'pg'), port: await freePort(), poolSize: 2 });
  await preloadScaleData(db.admin, { orders: ORDERS, products: PRODUCTS });
}, 180_000);

afterAll(async () => {
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Relations the plan reads in full (Seq Scan nodes), from EXPLAIN (FORMAT JSON). */
async function sequentialScans(sql: string, values: unknown[] = []): Promise<string[]> {
  const { rows } = await db.admin.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
  const plan = (rows[0]!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan;
  const scans: string[] = [];
  const walk = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan') scans.push(node['Relation Name']!);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return scans;
}
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

it('preloads the rows the bench names by id', async () => {
  const { rows } = await db.admin.query(
    `SELECT (SELECT count(*)::int FROM orders.orders) AS orders, (SELECT count(*)::int FROM products.products) AS products,
            (SELECT count(*)::int FROM orders.orders WHERE id = $1) AS first_order, (SELECT count(*)::int FROM products.products WHERE id = $2) AS last_product,
            (SELECT count(*)::int FROM orders.outbox WHERE status = 'delivered') AS delivered,
            (SELECT count(*)::int FROM orders.outbox_delivery WHERE status = 'delivered') AS deliveries,
            (SELECT count(*)::int FROM notifications.notifications) AS notifications`,
    [scaleOrderId(1), scaleProductId(PRODUCTS)],
  );
  expect(rows[0]).toEqual({ orders: ORDERS, products: PRODUCTS, first_order: 1, last_product: 1, delivered: ORDERS, deliveries: 3 * ORDERS, notifications: ORDERS });
});

const orderId = () => scaleOrderId(1234);
it.each([
  ['GET /orders/:id: the order and its lines', `SELECT * FROM orders.orders o LEFT JOIN orders.order_lines l ON l.order_id = o.id WHERE o.id = $1`, () => [orderId()]],
  ['POST /orders: reservations of an order id', `SELECT * FROM products.stock_reservations WHERE order_id = $1 ORDER BY product_id`, () => [orderId()]],
  ['POST /orders: products locked for the reservation', `SELECT * FROM products.products p WHERE p.id IN ($1, $2) ORDER BY p.id FOR UPDATE`, () => [scaleProductId(1), scaleProductId(2)]],
  ['relay: fan-out of new events among delivered ones', FAN_OUT, () => ['orderly_fan_out_orders', 500, ['orders.OrderPlaced'], ['orders.ProjectOrderSummary'], ['orders']]],
  ['relay: claim of one subscriber\'s due deliveries among delivered ones', CLAIM, () => ['orders.ProjectOrderSummary', 50, '00000000-0000-4000-8000-000000000000', 15_000]],
  ['relay: completion of a batch', COMPLETE, () => ['orders.ProjectOrderSummary', ['1', '2'], ['delivered', 'delivered'], [null, null], [0, 0], '00000000-0000-4000-8000-000000000000']],
  ['relay: settlement of a batch\'s events', SETTLE, () => [['1', '2']]],
  ['relay: next due delivery', NEXT_DUE, () => ['orders.ProjectOrderSummary']],
  ['relay: outbox backlog', `SELECT count(*)::int, min(occurred_at) FROM orders.outbox WHERE status = 'pending'`, () => []],
  ['ConfirmStockReservation', CONFIRM_RESERVATION, () => ['confirmed', orderId(), 'reserved']],
  ['inbox: has this handler seen the event', `SELECT 1 FROM orders.inbox WHERE event_id = $1 AND handler = $2`, () => [scaleOrderId(7), 'orders.ProjectOrderSummary']],
  ['reservation sweeper: expired reservations', `SELECT order_id, product_id FROM products.stock_reservations WHERE status = 'reserved' AND expires_at <= now() ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED`, () => []],
  ['GET /orders: newest page of the history', `SELECT * FROM orders.order_summaries ORDER BY placed_at DESC, order_id DESC LIMIT 20`, () => []],
  ['GET /orders: one customer\'s history', `SELECT * FROM orders.order_summaries WHERE lower(customer_email) = lower($1) ORDER BY placed_at DESC, order_id DESC LIMIT 20`, () => ['customer7@example.com']],
  ['GET /products: first page', `SELECT * FROM products.products ORDER BY created_at, id LIMIT 20`, () => []],
  ['notifications of an order', `SELECT * FROM notifications.notifications WHERE order_id = $1 ORDER BY created_at`, () => [orderId()]],
])('%s reads through an index', async (_what, sql, values) => {
  expect(await sequentialScans(sql, values())).toEqual([]);
});

it('notices a missing index (planted: notifications_by_order dropped inside a rolled-back transaction)', async () => {
  const client = await (db.admin as unknown as { connect(): Promise<BenchDatabase['admin'] & { release(): void }> }).connect();
  try {
    await client.query('BEGIN');
    await client.query('DROP INDEX notifications.notifications_by_order');
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) SELECT * FROM notifications.notifications WHERE order_id = $1`, [orderId()]);
    expect(JSON.stringify(rows[0])).toContain('"Node Type":"Seq Scan"');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
  expect(await sequentialScans(`SELECT * FROM notifications.notifications WHERE order_id = $1`, [orderId()])).toEqual([]);
});

describe('the relay with a backlog the statistics have not seen', () => {
  const BACKLOG = 3_000; // orders placed after the preload's ANALYZE: 9,000 pending deliveries
  type Client = BenchDatabase['admin'] & { release(): void };

  /** EXPLAIN ANALYZE of `sql` after `setup`, in one transaction that is rolled back; every plan node. */
  async function analyze(setup: string[], sql: string, values: (client: Client) => Promise<unknown[]> | unknown[]): Promise<PlanNode[]> {
    const client = await (db.admin as unknown as { connect(): Promise<Client> }).connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL statement_timeout = '30s'`);
      for (const statement of setup) await client.query(statement);
      const params = await values(client);
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const all: PlanNode[] = [];
      const walk = (node: PlanNode) => {
        all.push(node);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk((rows[0]!['QUERY PLAN'] as [{ Plan: PlanNode }])[0].Plan);
      return all;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }
  const rowsRead = (plan: PlanNode[], relation: string) =>
    plan.filter((n) => n['Relation Name'] === relation && /Scan/.test(n['Node Type'])).reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);
  const newEvents = (fannedOut: boolean) =>
    `INSERT INTO orders.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at, fanned_out)
     SELECT gen_random_uuid(), 'orders.OrderPlaced', 1, gen_random_uuid()::text, 'c', '{}', now(), ${fannedOut} FROM generate_series(1, ${BACKLOG})`;
  const FAN_OUT_ALL = `INSERT INTO orders.outbox_delivery (event_seq, subscriber, consumer, aggregate_id, occurred_at)
     SELECT o.seq, s.subscriber, s.consumer, o.aggregate_id, o.occurred_at FROM orders.outbox o
      CROSS JOIN (VALUES ('orders.ProjectOrderSummary', 'orders'), ('products.ConfirmStockReservation', 'products'),
                         ('notifications.SendOrderConfirmation', 'notifications')) AS s(subscriber, consumer)
      WHERE o.status = 'pending' AND o.fanned_out`;
  const OWNER = '00000000-0000-4000-8000-000000000000';

  it('claims 50 with a probe each', async () => {
    const plan = await analyze([newEvents(true), FAN_OUT_ALL], CLAIM, () => ['orders.ProjectOrderSummary', 50, OWNER, 15_000]);
    expect(plan.map((n) => n['Index Name'])).toContain('outbox_delivery_by_aggregate');
    expect(rowsRead(plan, 'outbox_delivery')).toBeLessThan(1_000); // before issue 17's fix: 50 x 9,000
  });

  it('fans out 500 new events with a probe each', async () => {
    const plan = await analyze([newEvents(false)], FAN_OUT, () => ['orderly_fan_out_orders', 500, ['orders.OrderPlaced'], ['orders.ProjectOrderSummary'], ['orders']]);
    expect(plan.map((n) => n['Index Name'])).toContain('outbox_by_aggregate');
    expect(rowsRead(plan, 'outbox')).toBeLessThan(5_000); // before: 500 x 3,000
  });

  it('completes a batch through the primary key', async () => {
    const plan = await analyze([newEvents(true), FAN_OUT_ALL, `UPDATE orders.outbox_delivery SET lease_owner = '${OWNER}' WHERE status = 'pending'`], COMPLETE, async (client) => {
      const { rows } = await client.query(`SELECT seq::text FROM orders.outbox WHERE status = 'pending' ORDER BY seq LIMIT 50`);
      const seqs = rows.map((r) => r.seq as string);
      return ['orders.ProjectOrderSummary', seqs, seqs.map(() => 'delivered'), seqs.map(() => null), seqs.map(() => 0), OWNER];
    });
    expect(rowsRead(plan, 'outbox_delivery')).toBeLessThan(1_000); // before: the subscriber's whole backlog
  });

  it('confirms an order\'s reservations through the primary key while many are reserved', async () => {
    // The preload's statistics saw only confirmed reservations; then many orders reserve stock.
    const reserveMany = `INSERT INTO products.stock_reservations (order_id, product_id, quantity, unit_price, status, expires_at)
      SELECT gen_random_uuid(), '${scaleProductId(1)}', 1, 100, 'reserved', now() + interval '5 minutes' FROM generate_series(1, ${BACKLOG})`;
    const plan = await analyze([reserveMany], CONFIRM_RESERVATION, async (client) => {
      const { rows } = await client.query(`SELECT order_id FROM products.stock_reservations WHERE status = 'reserved' LIMIT 1`);
      return ['confirmed', rows[0]!.order_id, 'reserved'];
    });
    const reservationScans = plan.filter((n) => n['Relation Name'] === 'stock_reservations' && /Scan/.test(n['Node Type']));
    expect(reservationScans.map((n) => n['Index Name'])).toEqual(['stock_reservations_pkey']);
    // Rows the scan looked at: written as `status IN`, every reserved reservation, per confirmation.
    expect(reservationScans.reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0), 0)).toBeLessThan(10);
  });
});
