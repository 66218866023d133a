// PostgreSQL restarted under a running app: while it is down every request that needs it is
// answered 503 problem+json with Retry-After (never 500) and readiness says which databases are
// gone; once it is back the pools reconnect, readiness recovers, and the relays deliver again,
// woken by LISTEN/NOTIFY as before.
import { eventually } from '@orderly/testing';
import pg from 'pg';
import { CapturedLogs, http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
const logs = new CapturedLogs();

beforeAll(async () => {
  sut = await startOrderlyForTest({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, { logDestination: logs });
});
afterAll(async () => sut?.stop());

async function relayListeners(): Promise<string[]> {
  const admin = new pg.Client(sut.postgres.adminUrl);
  await admin.connect();
  try {
    const { rows } = await admin.query(
      `SELECT application_name FROM pg_stat_activity WHERE application_name LIKE 'orderly-relay-%' AND query LIKE 'LISTEN%' ORDER BY 1`,
    );
    return rows.map((row) => row.application_name as string);
  } finally {
    await admin.end();
  }
}

it('answers 503 with Retry-After while the database is down, and recovers by itself when it is back', async () => {
  const productId = await sut.createProduct(10);
  expect(await relayListeners()).toEqual(['orderly-relay-notifications', 'orderly-relay-orders', 'orderly-relay-products']);

  await sut.postgres.stopServer();

  for (const [method, path, body] of [
    ['GET', `/products/${productId}`, undefined],
    ['GET', '/products', undefined],
    ['POST', '/orders', { customerEmail: 'down@example.com', items: [{ productId, quantity: 1 }] }],
    ['GET', '/orders?customerEmail=down@example.com', undefined],
  ] as const) {
    // A customer places their own order; staff read any.
    const res = await http(sut.url, method, path, body, method === 'POST' ? sut.customer('down@example.com') : sut.staff);
    expect({ path, status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') }).toEqual({
      path,
      status: 503,
      retryAfter: '5',
      type: 'application/problem+json; charset=utf-8',
    });
    expect(res.body).toMatchObject({ type: 'https://orderly.dev/problems/database-unavailable', title: 'Database unavailable', status: 503 });
  }
  const unready = await http(sut.url, 'GET', '/health/ready');
  expect(unready.status).toBe(503);
  expect(unready.body.failing).toEqual(expect.arrayContaining(['products.database', 'orders.database', 'notifications.database']));
  expect(logs.where((l) => l.level === 'error' && l.context === 'HTTP')).toEqual([]); // an outage, not a bug

  await sut.postgres.startServer();

  await eventually(async () => ((await http(sut.url, 'GET', '/health/ready')).status === 200 ? true : undefined), { timeoutMs: 60_000 });
  const placed = await http(sut.url, 'POST', '/orders', { customerEmail: 'back@example.com', items: [{ productId, quantity: 1 }] }, sut.customer('back@example.com'));
  expect(placed.status).toBe(201);
  // The relays deliver again: notifications sends the confirmation, the read model lists the order.
  await eventually(async () => {
    const sent = await http(sut.url, 'GET', `/notifications?orderId=${placed.body.id}`, undefined, sut.staff);
    return sent.body.items?.length === 1 ? true : undefined;
  }, { timeoutMs: 30_000 });
  await eventually(async () => ((await http(sut.url, 'GET', '/orders?customerEmail=back@example.com', undefined, sut.staff)).body.items?.length === 1 ? true : undefined), {
    timeoutMs: 30_000,
  });
  await eventually(async () => ((await relayListeners()).length === 3 ? true : undefined), { timeoutMs: 30_000 });
}, 180_000);

// Last: it stops the app.
it('shuts down cleanly while the database is down', async () => {
  await sut.postgres.stopServer();
  expect((await http(sut.url, 'GET', '/products')).status).toBe(503);
  const ceiling = new Promise((resolve) => setTimeout(() => resolve('still stopping after 30 s'), 30_000).unref());
  expect(await Promise.race([sut.orderly.stop().then(() => 'stopped'), ceiling])).toBe('stopped');
}, 60_000);
