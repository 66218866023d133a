// Conservation after chaos: two app processes on one database take concurrent orders, restocks,
// cancels and ships, one is SIGKILLed mid-run and restarted, and the sweeper (short TTL) clears
// what the crash left behind. Afterwards, for every product, checked in SQL:
//   initial stock + restocked = stock now + quantity in placed, not cancelled orders + quantity still reserved
import { bearer, eventually, startAppProcess, startTestIssuer, startTestPostgres, type AppProcess, type TestIssuer, type TestPostgres } from '@orderly/testing';
import pg from 'pg';
import { ensureApiBuilt } from './built-api.js';
import { http, provisionForApp } from '../e2e/orderly-harness.js';

let dist: string;
let issuer: TestIssuer;
let postgres: TestPostgres;
let db: pg.Client;
let database: Record<string, string>;
const apps: AppProcess[] = [];

beforeAll(async () => {
  dist = await ensureApiBuilt();
  issuer = await startTestIssuer();
  postgres = await startTestPostgres();
  database = await provisionForApp(postgres);
  db = new pg.Client(postgres.adminUrl);
  await db.connect();
}, 180_000);
afterAll(async () => {
  for (const app of apps) await app.kill('SIGKILL');
  await db?.end();
  await postgres?.stop();
  await issuer?.stop();
});

const staff = () => bearer(issuer.staffToken());
const customer = (email: string) => bearer(issuer.customerToken(email));

async function startApp(): Promise<AppProcess> {
  const app = await startAppProcess({
    entry: `${dist}/main.js`,
    env: {
      ...database,
      LOG_LEVEL: 'error',
      DEMO_DATA: 'false',
      RESERVATION_TTL_MS: '1000',
      RESERVATION_SWEEP_INTERVAL_MS: '200',
      WRITE_RATE_LIMIT: '1000000',
      ...issuer.env(),
    },
    readyPath: '/products?limit=1',
    readyTimeoutMs: 60_000,
  });
  apps.push(app);
  return app;
}

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

it('conserves stock through concurrent orders and restocks, a SIGKILL, a restart and expired reservations', async () => {
  const doomed = await startApp();
  const survivor = await startApp();

  const initial = 40;
  const productIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await http(survivor.url, 'POST', '/products', { sku: `CHAOS-${i}`, name: `Chaos ${i}`, unitPrice: 100, stock: initial }, staff());
    expect(res.status).toBe(201);
    productIds.push(res.body.id);
  }

  // What a crash right after reserving leaves behind: stock taken, a reservation, no order.
  const orphanOrderId = crypto.randomUUID();
  await db.query('BEGIN');
  await db.query(`UPDATE products.products SET stock = stock - 2, version = version + 1 WHERE id = $1`, [productIds[0]]);
  await db.query(
    `INSERT INTO products.stock_reservations (order_id, product_id, quantity, unit_price, status, expires_at)
     VALUES ($1, $2, 2, 100, 'reserved', now())`,
    [orphanOrderId, productIds[0]],
  );
  await db.query('COMMIT');

  // Orders to both instances, restocks to the survivor (so every restock has a known answer).
  // Every third placed order is cancelled and every fifth shipped, by the instance that placed it,
  // so some of those changes are in flight when the doomed instance dies.
  let answered = 0;
  const statusChanges: Promise<unknown>[] = [];
  const unansweredCancels: string[] = [];
  const cancelStatuses: number[] = [];
  const orders = Array.from({ length: 120 }, (_, i) => {
    const lines = [pick(productIds, i), pick(productIds, i + 1 + (i % 2))];
    const items = (i % 3 === 0 ? [...lines].reverse() : lines).map((productId, j) => ({ productId, quantity: 1 + ((i + j) % 3) }));
    const target = i % 2 === 0 ? doomed : survivor;
    const placed = http(target.url, 'POST', '/orders', { customerEmail: `chaos${i}@example.com`, items }, customer(`chaos${i}@example.com`)).finally(() => answered++);
    statusChanges.push(
      placed.then(async (res) => {
        if (res.status !== 201) return;
        if (i % 3 === 1) {
          const cancel = await http(target.url, 'POST', `/orders/${res.body.id}/cancel`, undefined, customer(`chaos${i}@example.com`)).catch(() => null);
          if (cancel === null) unansweredCancels.push(res.body.id);
          else cancelStatuses.push(cancel.status);
        } else if (i % 5 === 2) {
          await http(target.url, 'POST', `/orders/${res.body.id}/ship`, undefined, staff()).catch(() => null);
        }
      }, () => undefined), // an order lost with the doomed instance has nothing to change
    );
    return placed;
  });
  const restocks = Array.from({ length: 12 }, (_, i) =>
    http(survivor.url, 'POST', `/products/${pick(productIds, i)}/restock`, { quantity: 1 + (i % 3) }, staff()),
  );
  await eventually(async () => {
    if (answered < 30) throw new Error(`only ${answered} of 120 orders answered`);
    return true;
  }, { timeoutMs: 60_000, intervalMs: 5 });
  expect(await doomed.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

  const orderOutcomes = await Promise.allSettled(orders);
  await Promise.all(statusChanges);
  expect(cancelStatuses.filter((s) => s !== 200)).toEqual([]);
  const restockAnswers = await Promise.all(restocks);
  expect(restockAnswers.map((r) => r.status)).toEqual(Array(12).fill(200));
  // Requests that reached the survivor were answered, and never with a 500.
  const answeredStatuses = orderOutcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.status] : []));
  expect(answeredStatuses.filter((s) => s >= 500)).toEqual([]);

  const restarted = await startApp();
  // A cancel the crash left unanswered is simply sent again: it cancels, or answers the same.
  for (const orderId of unansweredCancels) {
    const again = await http(restarted.url, 'POST', `/orders/${orderId}/cancel`, undefined, staff());
    expect(again.body.status).toBe('cancelled');
  }
  for (let i = 0; i < 5; i++) {
    const res = await http(restarted.url, 'POST', '/orders', { customerEmail: `after${i}@example.com`, items: [{ productId: pick(productIds, i), quantity: 1 }] }, customer(`after${i}@example.com`));
    expect([201, 409]).toContain(res.status);
  }

  // Quiet: every event delivered, every reservation confirmed or released.
  await eventually(
    async () => {
      const { rows } = await db.query(`SELECT
        (SELECT count(*) FROM orders.outbox WHERE status = 'pending')::int AS orders_pending,
        (SELECT count(*) FROM products.outbox WHERE status = 'pending')::int AS products_pending,
        (SELECT count(*) FROM products.stock_reservations WHERE status = 'reserved')::int AS reserved,
        (SELECT string_agg(DISTINCT last_error, ' | ') FROM (SELECT last_error FROM orders.outbox UNION ALL SELECT last_error FROM products.outbox) e) AS errors`);
      const state = rows[0];
      if (state.orders_pending + state.products_pending + state.reserved > 0) throw new Error(`not settled yet: ${JSON.stringify(state)}`);
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );

  const restocked = new Map<string, number>();
  for (const [i, res] of restockAnswers.entries()) {
    const id = pick(productIds, i);
    restocked.set(id, (restocked.get(id) ?? 0) + 1 + (i % 3));
    expect(res.body.id).toBe(id);
  }
  const { rows } = await db.query(
    `SELECT p.id, p.stock,
            coalesce((SELECT sum(l.quantity) FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id
                       WHERE l.product_id = p.id AND o.status <> 'cancelled'), 0)::int AS in_placed_orders,
            coalesce((SELECT sum(r.quantity) FROM products.stock_reservations r
                       WHERE r.product_id = p.id AND r.status = 'reserved'), 0)::int AS still_reserved
       FROM products.products p WHERE p.id = ANY($1)`,
    [productIds],
  );
  for (const row of rows) {
    expect({ id: row.id, total: initial + (restocked.get(row.id) ?? 0) }).toEqual({
      id: row.id,
      total: row.stock + row.in_placed_orders + row.still_reserved,
    });
  }

  // Every placed order is sold in products, or returned if it was cancelled; every abandoned order
  // holds nothing and has no order.
  const mismatches = await db.query(`
    SELECT f.order_id, f.fate FROM orders.order_fates f
     WHERE (f.fate = 'placed' AND (NOT EXISTS (SELECT 1 FROM orders.orders o WHERE o.id = f.order_id)
                                   OR EXISTS (SELECT 1 FROM products.stock_reservations r JOIN orders.orders o ON o.id = r.order_id
                                               WHERE r.order_id = f.order_id
                                                 AND r.status <> CASE o.status WHEN 'cancelled' THEN 'returned' ELSE 'confirmed' END)))
        OR (f.fate = 'abandoned' AND (EXISTS (SELECT 1 FROM orders.orders o WHERE o.id = f.order_id)
                                      OR EXISTS (SELECT 1 FROM products.stock_reservations r WHERE r.order_id = f.order_id AND r.status <> 'released')))`);
  expect(mismatches.rows).toEqual([]);
  const orphan = await db.query(`SELECT fate FROM orders.order_fates WHERE order_id = $1`, [orphanOrderId]);
  expect(orphan.rows).toEqual([{ fate: 'abandoned' }]);
  const byStatus = await db.query(`SELECT status, count(*)::int AS n FROM orders.orders GROUP BY status`);
  const placed = Object.fromEntries(byStatus.rows.map((r) => [r.status, r.n]));
  expect(placed).toEqual({ confirmed: expect.any(Number), cancelled: expect.any(Number), shipped: expect.any(Number) });
  // Exactly one OrderCancelled per cancelled order, however the crash fell.
  const cancellations = await db.query(`
    SELECT o.id FROM orders.orders o
     WHERE (o.status = 'cancelled') <> EXISTS (SELECT 1 FROM orders.outbox e WHERE e.aggregate_id = o.id::text AND e.type = 'orders.OrderCancelled')
        OR (SELECT count(*) FROM orders.outbox e WHERE e.aggregate_id = o.id::text AND e.type = 'orders.OrderCancelled') > 1`);
  expect(cancellations.rows).toEqual([]);
}, 240_000);
