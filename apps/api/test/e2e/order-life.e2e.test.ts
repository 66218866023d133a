// An order's life after it is placed (issue 14): cancel and ship over HTTP, each a flow across
// modules - orders' status and read model, products' stock, notifications' e-mails - and each
// safe to repeat and to race.
import { eventually } from '@orderly/testing';
import { http, inFlightAtMost, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;

beforeAll(async () => {
  sut = await startOrderlyForTest();
});
afterAll(async () => {
  await sut?.stop();
});

/** The customer who places (and cancels, and reads) the orders of this file; staff ship them. */
const life = () => sut.customer('life@example.com');

async function place(productId: string, quantity: number, customerEmail = 'life@example.com') {
  const res = await http(sut.url, 'POST', '/orders', { customerEmail, items: [{ productId, quantity }] }, sut.customer(customerEmail));
  expect(res.status).toBe(201);
  return res.body as { id: string; status: string; statusChangedAt: string; createdAt: string };
}

const stockOf = async (productId: string): Promise<number> => (await http(sut.url, 'GET', `/products/${productId}`)).body.stock;

/** Waits until every event of every module was delivered to every subscriber. */
async function settled(): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await sut.db.query(`SELECT
        (SELECT count(*) FROM orders.outbox WHERE status <> 'delivered')::int
      + (SELECT count(*) FROM products.outbox WHERE status <> 'delivered')::int AS undelivered`);
      if (rows[0].undelivered > 0) throw new Error(`${rows[0].undelivered} events not delivered yet`);
      return true;
    },
    { timeoutMs: 30_000 },
  );
}

async function templatesSentFor(orderId: string): Promise<string[]> {
  const res = await http(sut.url, 'GET', `/notifications?orderId=${orderId}`, undefined, sut.staff);
  return res.body.items.map((n: { template: string }) => n.template);
}

async function historyRowOf(orderId: string) {
  const res = await http(sut.url, 'GET', '/orders?customerEmail=life@example.com&limit=100', undefined, sut.staff);
  return res.body.items.find((s: { id: string }) => s.id === orderId);
}

describe('cancelling an order', () => {
  it('cancels once: stock back on the shelf, one cancellation e-mail, the history shows it; a repeat answers the same', async () => {
    const productId = await sut.createProduct(10);
    const order = await place(productId, 3);
    expect(order.statusChangedAt).toBe(order.createdAt);

    const cancelled = await http(sut.url, 'POST', `/orders/${order.id}/cancel`, undefined, life());
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: order.id, status: 'cancelled' });
    expect(Date.parse(cancelled.body.statusChangedAt)).toBeGreaterThanOrEqual(Date.parse(order.createdAt));
    const again = await http(sut.url, 'POST', `/orders/${order.id}/cancel`, undefined, life());
    expect([again.status, again.body]).toEqual([200, cancelled.body]);
    expect((await http(sut.url, 'GET', `/orders/${order.id}`, undefined, life())).body).toEqual(cancelled.body);

    await settled();
    expect(await stockOf(productId)).toBe(10);
    expect(await templatesSentFor(order.id)).toEqual(['order-confirmation', 'order-cancelled']);
    expect(await historyRowOf(order.id)).toMatchObject({ status: 'cancelled', statusChangedAt: cancelled.body.statusChangedAt });
    const { rows } = await sut.db.query(`SELECT status FROM products.stock_reservations WHERE order_id = $1`, [order.id]);
    expect(rows).toEqual([{ status: 'returned' }]);
  });

  it('refuses to ship a cancelled order with 409 naming its status, and changes nothing', async () => {
    const order = await place(await sut.createProduct(5), 1);
    await http(sut.url, 'POST', `/orders/${order.id}/cancel`, undefined, life());
    const refused = await http(sut.url, 'POST', `/orders/${order.id}/ship`, undefined, sut.staff);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, rule: 'OnlyConfirmedOrdersCanBeShipped', currentStatus: 'cancelled' });
    expect(refused.body.detail).toMatch(/this order is cancelled/);
    expect((await http(sut.url, 'GET', `/orders/${order.id}`, undefined, life())).body.status).toBe('cancelled');
  });
});

describe('shipping an order', () => {
  it('ships once: stock stays sold, one shipped e-mail, the history shows it; cancelling it then is 409', async () => {
    const productId = await sut.createProduct(10);
    const order = await place(productId, 4);
    const shipped = await http(sut.url, 'POST', `/orders/${order.id}/ship`, undefined, sut.staff);
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ id: order.id, status: 'shipped' });
    expect(await http(sut.url, 'POST', `/orders/${order.id}/ship`, undefined, sut.staff)).toMatchObject({ status: 200, body: shipped.body });

    const refused = await http(sut.url, 'POST', `/orders/${order.id}/cancel`, undefined, life());
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ rule: 'OnlyConfirmedOrdersCanBeCancelled', currentStatus: 'shipped' });

    await settled();
    expect(await stockOf(productId)).toBe(6);
    expect(await templatesSentFor(order.id)).toEqual(['order-confirmation', 'order-shipped']);
    expect(await historyRowOf(order.id)).toMatchObject({ status: 'shipped', statusChangedAt: shipped.body.statusChangedAt });
  });

  it('answers 404 for an order that does not exist and 400 for an id that is not a UUID', async () => {
    for (const action of ['cancel', 'ship']) {
      const missing = await http(sut.url, 'POST', `/orders/00000000-0000-4000-8000-000000000000/${action}`, undefined, sut.staff);
      expect([missing.status, missing.body.title]).toEqual([404, 'Order not found']);
      expect((await http(sut.url, 'POST', `/orders/not-a-uuid/${action}`, undefined, sut.staff)).status).toBe(400);
    }
  });
});

describe('under concurrency', () => {
  it('a cancel racing a ship: exactly one wins, the other gets 409; stock and e-mails match the winner', async () => {
    const productId = await sut.createProduct(100);
    const rounds = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const order = await place(productId, 2);
        const [cancel, ship] = await Promise.all([
          http(sut.url, 'POST', `/orders/${order.id}/cancel`, undefined, life()),
          http(sut.url, 'POST', `/orders/${order.id}/ship`, undefined, sut.staff),
        ]);
        expect([cancel.status, ship.status].sort()).toEqual([200, 409]);
        const winner = cancel.status === 200 ? 'cancelled' : 'shipped';
        const loser = cancel.status === 200 ? ship : cancel;
        expect(loser.body.currentStatus).toBe(winner);
        return { orderId: order.id, winner };
      }),
    );
    await settled();
    const cancelledCount = rounds.filter((r) => r.winner === 'cancelled').length;
    expect(await stockOf(productId)).toBe(100 - 2 * (rounds.length - cancelledCount));
    for (const { orderId, winner } of rounds) {
      expect(await templatesSentFor(orderId)).toEqual(['order-confirmation', winner === 'cancelled' ? 'order-cancelled' : 'order-shipped']);
      expect((await http(sut.url, 'GET', `/orders/${orderId}`, undefined, life())).body.status).toBe(winner);
    }
  });

  it('100 concurrent cancels of one order (10 at a time, the pool size): all answer the same order, one event, one stock return, one e-mail', async () => {
    const productId = await sut.createProduct(20);
    const order = await place(productId, 5);
    const answers = await inFlightAtMost(10, Array.from({ length: 100 }, () => () => http(sut.url, 'POST', `/orders/${order.id}/cancel`, undefined, life())));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    await settled();
    const events = await sut.db.query(`SELECT count(*)::int AS n FROM orders.outbox WHERE type = 'orders.OrderCancelled' AND aggregate_id = $1`, [order.id]);
    expect(events.rows[0].n).toBe(1);
    expect(await stockOf(productId)).toBe(20);
    expect(await templatesSentFor(order.id)).toEqual(['order-confirmation', 'order-cancelled']);
  });
});
