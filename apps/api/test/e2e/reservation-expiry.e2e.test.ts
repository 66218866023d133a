// A reservation whose order never commits is released by the sweeper after the TTL, through
// orders' decision (OrderAbandoned); an order that then tries to commit late is refused.
import { PlaceOrder } from '@orderly/orders';
import { StockReservations } from '@orderly/products';
import { eventually } from '@orderly/testing';
import pg from 'pg';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
let db: pg.Client;

beforeAll(async () => {
  sut = await startOrderlyForTest({ RESERVATION_TTL_MS: '1000', RESERVATION_SWEEP_INTERVAL_MS: '100' });
  db = new pg.Client(sut.postgres.adminUrl);
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await sut?.stop();
});

async function createProduct(stock: number): Promise<string> {
  const res = await http(sut.url, 'POST', '/products', { sku: `EXP-${Math.random().toString(36).slice(2, 10)}`, name: 'Expiring', unitPrice: 100, stock }, sut.staff);
  expect(res.status).toBe(201);
  return res.body.id;
}

const stockOf = async (id: string) => (await http(sut.url, 'GET', `/products/${id}`)).body.stock as number;

describe('reservation expiry', () => {
  it('releases stock reserved for an order that never committed, and refuses that order afterwards', async () => {
    const productId = await createProduct(10);
    const orderId = crypto.randomUUID();
    // The first half of placing an order, as if the process died right after it.
    const reserved = await sut.orderly.app.get(StockReservations).reserve(orderId, [{ productId, quantity: 4 }]);
    expect(reserved.status).toBe('reserved');
    expect(await stockOf(productId)).toBe(6);

    const released = await eventually(async () => {
      const { rows } = await db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [orderId]);
      if (rows[0]?.status !== 'released') throw new Error(`reservation is ${rows[0]?.status}`);
      return rows[0].status;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    expect(released).toBe('released');
    expect(await stockOf(productId)).toBe(10);
    expect((await db.query(`SELECT fate FROM orders.order_fates WHERE order_id = $1`, [orderId])).rows).toEqual([{ fate: 'abandoned' }]);

    // The process "comes back" and tries to finish the order: refused, nothing saved, stock intact.
    await expect(
      sut.orderly.app.get(PlaceOrder).execute({ placedBy: { customerId: 'late', email: 'late@example.com' }, customerEmail: 'late@example.com', items: [{ productId, quantity: 4 }] }, orderId),
    ).rejects.toThrow();
    expect((await db.query(`SELECT count(*)::int AS n FROM orders.orders WHERE id = $1`, [orderId])).rows[0].n).toBe(0);
    expect(await stockOf(productId)).toBe(10);
  });

  it('never releases the reservation of a placed order, however long it waits', async () => {
    const productId = await createProduct(10);
    const placed = await http(sut.url, 'POST', '/orders', { customerEmail: 'kept@example.com', items: [{ productId, quantity: 3 }] }, sut.customer('kept@example.com'));
    expect(placed.status).toBe(201);
    await eventually(async () => {
      const { rows } = await db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [placed.body.id]);
      if (rows[0]?.status !== 'confirmed') throw new Error(`reservation is ${rows[0]?.status}`);
      return true;
    }, { timeoutMs: 30_000 });
    // Several TTLs and sweeps later, still sold.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await stockOf(productId)).toBe(7);
    expect((await db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [placed.body.id])).rows).toEqual([{ status: 'confirmed' }]);
  });
});
