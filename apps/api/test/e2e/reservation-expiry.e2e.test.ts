// A reservation whose order never commits is released by the sweeper after the TTL, through
// orders' decision (OrderAbandoned); an order that then tries to commit late is refused.
import { INVENTORY_PORT, type InventoryPort } from '@orderly/orders';
import { eventually } from '@orderly/testing';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;

beforeAll(async () => {
  sut = await startOrderlyForTest({ RESERVATION_TTL_MS: '1000', RESERVATION_SWEEP_INTERVAL_MS: '100' });
});
afterAll(async () => {
  await sut?.stop();
});

/** Orders' view of products' stock reservations, as apps/api binds it (INVENTORY_PORT). */
const inventory = (): InventoryPort => sut.orderly.app.get<InventoryPort>(INVENTORY_PORT, { strict: false });

const stockOf = async (id: string) => (await http(sut.url, 'GET', `/products/${id}`)).body.stock as number;

describe('reservation expiry', () => {
  it('releases stock reserved for an order that never committed, and refuses that order afterwards', async () => {
    const productId = await sut.createProduct(10);
    const orderId = crypto.randomUUID();
    // The first half of placing an order, as if the process died right after it.
    const reserved = await inventory().reserve(orderId, [{ productId, quantity: 4 }]);
    expect(reserved.status).toBe('reserved');
    expect(await stockOf(productId)).toBe(6);

    const released = await eventually(async () => {
      const { rows } = await sut.db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [orderId]);
      if (rows[0]?.status !== 'released') throw new Error(`reservation is ${rows[0]?.status}`);
      return rows[0].status;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    expect(released).toBe('released');
    expect(await stockOf(productId)).toBe(10);
    expect((await sut.db.query(`SELECT fate FROM orders.order_fates WHERE order_id = $1`, [orderId])).rows).toEqual([{ fate: 'abandoned' }]);

    // The process "comes back" and tries to reserve for the order again: refused, stock intact.
    // (That orders then refuses to commit an abandoned order id is orders' own test:
    // packages/orders/test/unit/order-fates.test.ts and test/integration/orders-storage.test.ts.)
    await expect(inventory().reserve(orderId, [{ productId, quantity: 4 }])).rejects.toThrow(/released/);
    expect((await sut.db.query(`SELECT count(*)::int AS n FROM orders.orders WHERE id = $1`, [orderId])).rows[0].n).toBe(0);
    expect(await stockOf(productId)).toBe(10);
  });

  it('never releases the reservation of a placed order, however long it waits', async () => {
    const productId = await sut.createProduct(10);
    const placed = await http(sut.url, 'POST', '/orders', { customerEmail: 'kept@example.com', items: [{ productId, quantity: 3 }] }, sut.customer('kept@example.com'));
    expect(placed.status).toBe(201);
    await eventually(async () => {
      const { rows } = await sut.db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [placed.body.id]);
      if (rows[0]?.status !== 'confirmed') throw new Error(`reservation is ${rows[0]?.status}`);
      return true;
    }, { timeoutMs: 30_000 });
    // A reservation made after it, whose order never comes, is released by a later sweep: once
    // that happened, the sweeper has looked at the placed order's reservation past its TTL too.
    const unplacedOrder = crypto.randomUUID();
    expect((await inventory().reserve(unplacedOrder, [{ productId, quantity: 1 }])).status).toBe('reserved');
    await eventually(async () => {
      const { rows } = await sut.db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [unplacedOrder]);
      if (rows[0]?.status !== 'released') throw new Error(`the later reservation is ${rows[0]?.status}`);
      return true;
    }, { timeoutMs: 60_000 });
    expect(await stockOf(productId)).toBe(7);
    expect((await sut.db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [placed.body.id])).rows).toEqual([{ status: 'confirmed' }]);
  }, 150_000);
});
