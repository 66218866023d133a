import { eventually } from '@orderly/testing';
import { http, inFlightAtMost, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;

beforeAll(async () => {
  sut = await startOrderlyForTest();
});
afterAll(async () => {
  await sut?.stop();
});

describe('the seed scenarios, end to end over HTTP', () => {
  it('places an order, reads it back, and sends the confirmation through the event bus', async () => {
    const productId = await sut.createProduct(10, { unitPrice: 1250 });
    const placed = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'ada@example.com',
      items: [{ productId, quantity: 3 }],
    }, sut.customer('ada@example.com'));
    expect(placed.status).toBe(201);
    expect(placed.headers.get('location')).toBe(`/orders/${placed.body.id}`);
    expect(placed.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'confirmed',
      statusChangedAt: expect.any(String),
      customerEmail: 'ada@example.com',
      items: [{ productId, quantity: 3, unitPrice: 1250, lineTotal: 3750 }],
      total: 3750,
      createdAt: expect.any(String),
    });

    const read = await http(sut.url, 'GET', `/orders/${placed.body.id}`, undefined, sut.customer('ada@example.com'));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(placed.body);

    const notifications = await eventually(async () => {
      const res = await http(sut.url, 'GET', `/notifications?orderId=${placed.body.id}`, undefined, sut.customer('ada@example.com'));
      return res.body.items.length > 0 ? res.body.items : undefined;
    }, { timeoutMs: 30_000 });
    expect(notifications).toEqual([
      {
        id: expect.any(String),
        orderId: placed.body.id,
        channel: 'email',
        recipient: 'ada@example.com',
        template: 'order-confirmation',
        status: 'sent',
        createdAt: expect.any(String),
      },
    ]);
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(7);
    const reservation = await eventually(async () => {
      const { rows } = await sut.db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [placed.body.id]);
      return rows[0]?.status === 'confirmed' ? rows[0] : undefined;
    });
    expect(reservation).toEqual({ status: 'confirmed' });
  });

  it('refuses an order with insufficient stock and changes nothing anywhere', async () => {
    const plentyId = await sut.createProduct(100);
    const scarceId = await sut.createProduct(2);
    const before = await counts();
    const res = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'bob@example.com',
      items: [
        { productId: plentyId, quantity: 5 },
        { productId: scarceId, quantity: 3 },
      ],
    }, sut.customer('bob@example.com'));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      title: 'Insufficient stock',
      status: 409,
      shortLines: [{ productId: scarceId, requested: 3, available: 2 }],
    });
    expect((await http(sut.url, 'GET', `/products/${plentyId}`)).body.stock).toBe(100);
    expect((await http(sut.url, 'GET', `/products/${scarceId}`)).body.stock).toBe(2);
    expect(await counts()).toEqual(before);
  });

  it('answers 422 naming unknown products, and changes nothing', async () => {
    const realId = await sut.createProduct(5);
    const ghost = '00000000-0000-4000-8000-000000000000';
    const before = await counts();
    const res = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'c@example.com',
      items: [{ productId: realId, quantity: 1 }, { productId: ghost, quantity: 1 }],
    }, sut.customer('c@example.com'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ title: 'Unknown products', unknownProductIds: [ghost] });
    expect((await http(sut.url, 'GET', `/products/${realId}`)).body.stock).toBe(5);
    expect(await counts()).toEqual(before);
  });

  it('never oversells when many orders for one product arrive at once', async () => {
    const productId = await sut.createProduct(10);
    // Racing as many at a time as the default pool has connections (DATABASE_POOL_SIZE 10).
    const answers = await inFlightAtMost(
      10,
      Array.from({ length: 30 }, (_, i) => () =>
        http(sut.url, 'POST', '/orders', { customerEmail: `n${i}@example.com`, items: [{ productId, quantity: 1 }] }, sut.customer(`n${i}@example.com`)),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(20);
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(0);
  });
});

async function counts() {
  const { rows } = await sut.db.query(`SELECT
    (SELECT count(*) FROM orders.orders)::int AS orders,
    (SELECT count(*) FROM orders.outbox)::int AS events,
    (SELECT count(*) FROM products.stock_reservations WHERE status <> 'released')::int AS held,
    (SELECT coalesce(sum(stock), 0) FROM products.products)::int AS stock,
    (SELECT count(*) FROM notifications.notifications)::int AS notifications`);
  return rows[0];
}
