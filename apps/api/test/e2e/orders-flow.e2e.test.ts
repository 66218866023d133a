import { eventually } from '@orderly/testing';
import pg from 'pg';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
let db: pg.Client;

beforeAll(async () => {
  sut = await startOrderlyForTest();
  db = new pg.Client(sut.postgres.adminUrl);
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await sut?.stop();
});

const sku = () => `SKU-${Math.random().toString(36).slice(2, 10)}`;

async function createProduct(stock: number, unitPrice = 1000) {
  const res = await http(sut.url, 'POST', '/products', { sku: sku(), name: 'Test product', unitPrice, stock }, sut.staff);
  expect(res.status).toBe(201);
  return res.body as { id: string; stock: number };
}

describe('the seed scenarios, end to end over HTTP', () => {
  it('places an order, reads it back, and sends the confirmation through the event bus', async () => {
    const product = await createProduct(10, 1250);
    const placed = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'ada@example.com',
      items: [{ productId: product.id, quantity: 3 }],
    }, sut.customer('ada@example.com'));
    expect(placed.status).toBe(201);
    expect(placed.headers.get('location')).toBe(`/orders/${placed.body.id}`);
    expect(placed.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'confirmed',
      statusChangedAt: expect.any(String),
      customerEmail: 'ada@example.com',
      items: [{ productId: product.id, quantity: 3, unitPrice: 1250, lineTotal: 3750 }],
      total: 3750,
      createdAt: expect.any(String),
    });

    const read = await http(sut.url, 'GET', `/orders/${placed.body.id}`, undefined, sut.customer('ada@example.com'));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(placed.body);

    const notifications = await eventually(async () => {
      const res = await http(sut.url, 'GET', `/notifications?orderId=${placed.body.id}`, undefined, sut.customer('ada@example.com'));
      return res.body.items.length > 0 ? res.body.items : undefined;
    }, { timeoutMs: 1_000 });
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
    expect((await http(sut.url, 'GET', `/products/${product.id}`)).body.stock).toBe(7);
    const reservation = await eventually(async () => {
      const { rows } = await db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [placed.body.id]);
      return rows[0]?.status === 'confirmed' ? rows[0] : undefined;
    });
    expect(reservation).toEqual({ status: 'confirmed' });
  });

  it('refuses an order with insufficient stock and changes nothing anywhere', async () => {
    const plenty = await createProduct(100);
    const scarce = await createProduct(2);
    const before = await counts();
    const res = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'bob@example.com',
      items: [
        { productId: plenty.id, quantity: 5 },
        { productId: scarce.id, quantity: 3 },
      ],
    }, sut.customer('bob@example.com'));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      title: 'Insufficient stock',
      status: 409,
      shortLines: [{ productId: scarce.id, requested: 3, available: 2 }],
    });
    expect((await http(sut.url, 'GET', `/products/${plenty.id}`)).body.stock).toBe(100);
    expect((await http(sut.url, 'GET', `/products/${scarce.id}`)).body.stock).toBe(2);
    expect(await counts()).toEqual(before);
  });

  it('answers 422 naming unknown products, and changes nothing', async () => {
    const real = await createProduct(5);
    const ghost = '00000000-0000-4000-8000-000000000000';
    const before = await counts();
    const res = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'c@example.com',
      items: [{ productId: real.id, quantity: 1 }, { productId: ghost, quantity: 1 }],
    }, sut.customer('c@example.com'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ title: 'Unknown products', unknownProductIds: [ghost] });
    expect((await http(sut.url, 'GET', `/products/${real.id}`)).body.stock).toBe(5);
    expect(await counts()).toEqual(before);
  });

  it('never oversells when many orders for one product arrive at once', async () => {
    const product = await createProduct(10);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        http(sut.url, 'POST', '/orders', { customerEmail: `n${i}@example.com`, items: [{ productId: product.id, quantity: 1 }] }, sut.customer(`n${i}@example.com`)),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(20);
    expect((await http(sut.url, 'GET', `/products/${product.id}`)).body.stock).toBe(0);
  });
});

async function counts() {
  const { rows } = await db.query(`SELECT
    (SELECT count(*) FROM orders.orders)::int AS orders,
    (SELECT count(*) FROM orders.outbox)::int AS events,
    (SELECT count(*) FROM products.stock_reservations WHERE status <> 'released')::int AS held,
    (SELECT coalesce(sum(stock), 0) FROM products.products)::int AS stock,
    (SELECT count(*) FROM notifications.notifications)::int AS notifications`);
  return rows[0];
}
