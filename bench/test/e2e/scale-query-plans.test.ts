// `npm run bench -- --scale` preloads a million orders; this shows, on real PostgreSQL with the
// same generated rows (fewer, to stay fast) and fresh statistics, that every query on the hot
// paths finds its rows through an index instead of reading a whole table - the plans that keep
// the measured figures flat as the data grows. It asserts nothing about speed.
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
