// Placing orders under concurrency, over real HTTP and real PostgreSQL: no overselling, no 500s,
// refused orders change nothing, Idempotency-Key gives one order per key, restocks race safely.
import pg from 'pg';
import { http, inFlightAtMost, startOrderlyForTest, type HttpAnswer, type OrderlyUnderTest } from './orderly-harness.js';

const POOL_SIZE = 20;
let sut: OrderlyUnderTest;

beforeAll(async () => {
  // A long TTL: nothing here may expire while the machine is busy (expiry has its own test).
  sut = await startOrderlyForTest({ DATABASE_POOL_SIZE: String(POOL_SIZE) });
});
afterAll(async () => {
  await sut?.stop();
});

const placeOrder = (items: { productId: string; quantity: number }[], headers: Record<string, string> = {}, email = 'load@example.com') =>
  http(sut.url, 'POST', '/orders', { customerEmail: email, items }, { ...sut.customer(email), ...headers });

/** Samples a product's stock as fast as it can until stopped; returns every value it saw. */
function sampleStock(productIds: string[]): { stop(): Promise<number[]> } {
  const sampler = new pg.Client(sut.postgres.adminUrl);
  const seen: number[] = [];
  let running = true;
  const done = (async () => {
    await sampler.connect();
    while (running) {
      const { rows } = await sampler.query(`SELECT stock FROM products.products WHERE id = ANY($1)`, [productIds]);
      seen.push(...rows.map((r) => r.stock as number));
    }
    await sampler.end();
  })();
  return {
    async stop() {
      running = false;
      await done;
      return seen;
    },
  };
}

/** Per product: stock on the shelf, and quantity held by reservations that are not released. */
async function ledger(productIds: string[]) {
  const { rows } = await sut.db.query(
    `SELECT p.id, p.stock,
            coalesce((SELECT sum(quantity) FROM products.stock_reservations r
                       WHERE r.product_id = p.id AND r.status <> 'released'), 0)::int AS held
       FROM products.products p WHERE p.id = ANY($1) ORDER BY p.id`,
    [productIds],
  );
  return new Map(rows.map((r) => [r.id as string, { stock: r.stock as number, held: r.held as number }]));
}

describe('orders under pressure', () => {
  it('200 orders racing (20 at a time, the pool size) for a product with stock 50: exactly 50 placed, 150 refused, stock ends at 0, never below', async () => {
    const productId = await sut.createProduct(50);
    const sampler = sampleStock([productId]);
    const answers = await inFlightAtMost(
      POOL_SIZE,
      Array.from({ length: 200 }, (_, i) => () => placeOrder([{ productId, quantity: 1 }], {}, `buyer${i}@example.com`)),
    );
    const seen = await sampler.stop();

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(150);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.title === 'Insufficient stock')).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(0);
    const { rows } = await sut.db.query(`SELECT count(*)::int AS n FROM products.stock_reservations WHERE product_id = $1 AND status <> 'released'`, [productId]);
    expect(rows[0].n).toBe(50);
  });

  it('overlapping multi-line orders in opposite line order: no 500s, every 201 fully reserved, every 409 changed nothing', async () => {
    const ids = [await sut.createProduct(25), await sut.createProduct(25), await sut.createProduct(25), await sut.createProduct(25)];
    const [a, b, c, d] = ids as [string, string, string, string];
    const shapes = [[a, b, c], [c, b, a], [b, d], [d, b], [a, d, c], [c, d, a]];
    const requests = Array.from({ length: 60 }, (_, i) => shapes[i % shapes.length]!.map((productId, j) => ({ productId, quantity: 1 + ((i + j) % 3) })));
    const answers = await inFlightAtMost(POOL_SIZE, requests.map((items, i) => () => placeOrder(items, {}, `multi${i}@example.com`)));

    expect(answers.map((x) => x.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const placed = answers.filter((x) => x.status === 201);
    expect(placed.length).toBeGreaterThan(0);
    // Every placed order holds exactly its lines.
    for (const order of placed) {
      const { rows } = await sut.db.query(
        `SELECT product_id, quantity FROM products.stock_reservations WHERE order_id = $1 AND status <> 'released' ORDER BY product_id`,
        [order.body.id],
      );
      const expected = [...order.body.items].map((l: { productId: string; quantity: number }) => ({ product_id: l.productId, quantity: l.quantity }));
      expect(rows).toEqual(expected.sort((x, y) => x.product_id.localeCompare(y.product_id)));
    }
    // Held stock is exactly what the placed orders asked for, so refused orders hold nothing,
    // and shelf + held is the initial stock for every product.
    const after = await ledger(ids);
    for (const id of ids) {
      const ordered = placed.flatMap((o) => o.body.items).filter((l: { productId: string }) => l.productId === id).reduce((s: number, l: { quantity: number }) => s + l.quantity, 0);
      expect(after.get(id)).toEqual({ stock: 25 - ordered, held: ordered });
    }
  });

  it('20 concurrent identical requests with one Idempotency-Key place exactly one order', async () => {
    const productId = await sut.createProduct(100);
    const key = `checkout-${Math.random()}`;
    const body = [{ productId, quantity: 3 }];
    const answers = await Promise.all(Array.from({ length: 20 }, () => placeOrder(body, { 'Idempotency-Key': key }, 'once@example.com')));

    const placed = answers.filter((x) => x.status === 201);
    expect(answers.filter((x) => x.status !== 201 && x.status !== 409)).toEqual([]);
    expect(placed.length).toBeGreaterThan(0);
    expect(new Set(placed.map((x) => x.body.id)).size).toBe(1);
    for (const x of placed) expect(x.body).toEqual(placed[0]!.body);
    const { rows } = await sut.db.query(`SELECT count(*)::int AS n FROM orders.orders WHERE customer_email = 'once@example.com'`);
    expect(rows[0].n).toBe(1);
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(97);

    // Later repeats get the same answer; a different body under the same key is refused.
    const replay = await placeOrder(body, { 'Idempotency-Key': key }, 'once@example.com');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(placed[0]!.body);
    expect(replay.headers.get('location')).toBe(`/orders/${placed[0]!.body.id}`);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = await placeOrder([{ productId, quantity: 4 }], { 'Idempotency-Key': key }, 'once@example.com');
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({ title: 'Idempotency key reused', status: 422 });
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(97);
  });

  it('refuses a malformed Idempotency-Key with 400 problem+json and reserves nothing', async () => {
    const productId = await sut.createProduct(5);
    const answers: HttpAnswer[] = [
      await placeOrder([{ productId, quantity: 1 }], { 'Idempotency-Key': 'k'.repeat(256) }),
      await placeOrder([{ productId, quantity: 1 }], { 'Idempotency-Key': 'caf\u00e9' }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);
    }
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(5);
    const ok = await placeOrder([{ productId, quantity: 1 }], { 'Idempotency-Key': 'k'.repeat(255) });
    expect(ok.status).toBe(201);
  });

  it('restocks racing placements on one product stay correct', async () => {
    const productId = await sut.createProduct(5);
    const sampler = sampleStock([productId]);
    const work = [
      ...Array.from({ length: 40 }, (_, i) => () => placeOrder([{ productId, quantity: 1 }], {}, `race${i}@example.com`)),
      ...Array.from({ length: 10 }, () => () => http(sut.url, 'POST', `/products/${productId}/restock`, { quantity: 2 }, sut.staff)),
    ];
    const answers = await inFlightAtMost(POOL_SIZE, work);
    const seen = await sampler.stop();

    const orders = answers.slice(0, 40);
    const restocks = answers.slice(40);
    expect(restocks.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(orders.filter((o) => o.status !== 201 && o.status !== 409)).toEqual([]);
    const placed = orders.filter((o) => o.status === 201).length;
    expect(placed).toBeGreaterThanOrEqual(5);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect((await ledger([productId])).get(productId)).toEqual({ stock: 5 + 20 - placed, held: placed });
  });
});
