import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
let productId: string;

beforeAll(async () => {
  sut = await startOrderlyForTest();
  productId = (await http(sut.url, 'POST', '/products', { sku: 'ERR-1', name: 'p', unitPrice: 100, stock: 5 }, sut.staff)).body.id;
});
afterAll(async () => {
  await sut?.stop();
});

async function snapshot() {
  const { rows } = await sut.db.query(`SELECT
    (SELECT json_agg(p ORDER BY id) FROM products.products p) AS products,
    (SELECT count(*) FROM orders.orders)::int AS orders,
    (SELECT count(*) FROM products.stock_reservations)::int AS reservations`);
  return rows[0];
}

const validOrder = () => ({ customerEmail: 'a@example.com', items: [{ productId, quantity: 1 }] });

describe('bad input gets a clear problem+json 4xx and changes nothing', () => {
  it.each<[string, string, string, unknown, number, RegExp | string]>([
    ['malformed JSON', 'POST', '/orders', '{"customerEmail": ', 400, 'The request body is not valid JSON.'],
    ['an unknown field', 'POST', '/orders', { ...{ customerEmail: 'a@example.com', items: [] }, admin: true }, 400, /admin is not allowed/],
    ['an invalid email', 'POST', '/orders', { customerEmail: 'nope', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }] }, 400, /customerEmail must be an email/],
    ['no items', 'POST', '/orders', { customerEmail: 'a@example.com', items: [] }, 400, /items must contain at least 1 elements/],
    ['a quantity of 0', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 0 }] }, 400, /items\[0\]\.quantity must not be less than 1/],
    ['a string quantity', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: '2' }] }, 400, /items\[0\]\.quantity must be an integer/],
    ['a repeated product', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }, { productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }] }, 400, /must not repeat a productId/],
    ['a non-uuid productId', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: 'abc', quantity: 1 }] }, 400, /items\[0\]\.productId must be a UUID/],
    ['a body that is an array', 'POST', '/orders', [1, 2], 400, /customerEmail must be an email;.*items must be an array/],
    ['a forged order-history cursor', 'GET', '/orders?cursor=Zm9vYmFy', undefined, 400, /cursor is not one this API returned/],
    ['a malformed sku', 'POST', '/products', { sku: 'has space', name: 'x', unitPrice: 1, stock: 1 }, 400, /sku must be 1-64 characters/],
    ['a fractional price', 'POST', '/products', { sku: 'OK-1', name: 'x', unitPrice: 1.5, stock: 1 }, 400, /unitPrice must be an integer/],
    ['a price above 1e9', 'POST', '/products', { sku: 'OK-1', name: 'x', unitPrice: 1_000_000_001, stock: 1 }, 400, /unitPrice must not be greater than 1000000000/],
    ['a 201-character name', 'POST', '/products', { sku: 'OK-1', name: 'x'.repeat(201), unitPrice: 1, stock: 1 }, 400, /name must be shorter than or equal to 200 characters/],
    ['a zero restock', 'POST', '/products/00000000-0000-4000-8000-000000000001/restock', { quantity: 0 }, 400, /quantity must not be less than 1/],
    ['a malformed order id', 'GET', '/orders/not-a-uuid', undefined, 400, /uuid is expected/],
    ['a malformed product id', 'GET', '/products/123', undefined, 400, /uuid is expected/],
    ['a limit of 0', 'GET', '/products?limit=0', undefined, 400, /limit must not be less than 1/],
    ['a limit of 101', 'GET', '/products?limit=101', undefined, 400, /limit must not be greater than 100/],
    ['a non-numeric limit', 'GET', '/products?limit=ten', undefined, 400, /limit must be an integer/],
    ['a forged cursor', 'GET', '/products?cursor=Zm9vYmFy', undefined, 400, /cursor is not one this API returned/],
    ['an unknown query parameter', 'GET', '/products?sort=name', undefined, 400, /sort is not allowed/],
    ['notifications without orderId', 'GET', '/notifications', undefined, 400, /orderId must be a UUID/],
    ['an unknown order', 'GET', '/orders/00000000-0000-4000-8000-000000000001', undefined, 404, 'Order 00000000-0000-4000-8000-000000000001 does not exist.'],
    ['an unknown product', 'GET', '/products/00000000-0000-4000-8000-000000000001', undefined, 404, /does not exist/],
    ['restocking an unknown product', 'POST', '/products/00000000-0000-4000-8000-000000000001/restock', { quantity: 1 }, 404, /does not exist/],
    ['an unknown route', 'GET', '/nowhere', undefined, 404, /Cannot GET \/nowhere/],
    ['a wrong method on a known path', 'DELETE', '/orders', undefined, 405, '/orders answers GET, HEAD, POST, not DELETE.'],
    ['a wrong method with a body', 'PUT', '/products/00000000-0000-4000-8000-000000000001', { stock: 1000 }, 405, '/products/:id answers GET, HEAD, PATCH, not PUT.'],
    ['a body over 64 KiB', 'POST', '/orders', { customerEmail: 'a@example.com', items: [], padding: 'x'.repeat(70_000) }, 413, /exceeds the limit/],
  ])('%s', async (_what, method, path, body, status, detail) => {
    const before = await snapshot();
    const res = await http(sut.url, method, path, body, sut.staff);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
    if (typeof detail === 'string') expect(res.body.detail).toBe(detail);
    else expect(res.body.detail).toMatch(detail);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+|SELECT|INSERT/);
    expect(await snapshot()).toEqual(before);
  });

  it('names the allowed methods in an Allow header on 405', async () => {
    const res = await http(sut.url, 'PATCH', `/products/${productId}/restock`, { quantity: 1 });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await http(sut.url, 'DELETE', '/products')).headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it.each<[string, Record<string, string>, string]>([
    ['text/plain', { 'content-type': 'text/plain' }, 'Send the body as application/json, not text/plain.'],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'Send the body as application/json, not application/x-www-form-urlencoded.'],
    ['no content type', {}, 'Send the body as application/json (the Content-Type header is missing).'],
  ])('answers a body sent as %s with 415 and changes nothing', async (_what, headers, detail) => {
    const before = await snapshot();
    const res = await fetch(`${sut.url}/products`, {
      method: 'POST',
      headers,
      body: new TextEncoder().encode(JSON.stringify({ sku: 'TYPE-1', name: 'x', unitPrice: 1, stock: 1 })),
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toEqual({ status: 415, title: 'Unsupported Media Type', type: 'https://orderly.dev/problems/unsupported-media-type', detail });
    expect(await snapshot()).toEqual(before);
  });

  it('accepts JSON with a charset parameter', async () => {
    const res = await http(sut.url, 'POST', '/products', undefined, sut.staff);
    expect(res.status).toBe(400); // no body at all: validation, not 415
    const withCharset = await fetch(`${sut.url}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...sut.staff },
      body: JSON.stringify({ sku: 'CHARSET-1', name: 'x', unitPrice: 1, stock: 1 }),
    });
    expect(withCharset.status).toBe(201);
  });

  it('answers an unknown path with 404 whatever the method and body', async () => {
    const res = await fetch(`${sut.url}/nowhere`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('lists every offending field of a validation error', async () => {
    const res = await http(sut.url, 'POST', '/products', { sku: '', name: '', unitPrice: -1, stock: 'many' }, sut.staff);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'sku', 'stock', 'stock', 'stock', 'unitPrice']);
  });

  it('answers a duplicate sku with 409 and keeps the first product', async () => {
    const res = await http(sut.url, 'POST', '/products', { sku: 'ERR-1', name: 'again', unitPrice: 1, stock: 1 }, sut.staff);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'SKU already exists', sku: 'ERR-1' });
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.name).toBe('p');
  });

  it('accepts the valid order these cases were variations of', async () => {
    expect((await http(sut.url, 'POST', '/orders', validOrder(), sut.customer('a@example.com'))).status).toBe(201);
  });
});

describe('products over HTTP', () => {
  it('restocks a product and answers with it', async () => {
    const created = (await http(sut.url, 'POST', '/products', { sku: 'RESTOCK-1', name: 'r', unitPrice: 1, stock: 2 }, sut.staff)).body;
    const res = await http(sut.url, 'POST', `/products/${created.id}/restock`, { quantity: 40 }, sut.staff);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...created, stock: 42 });
  });

  it('pages through every product exactly once', async () => {
    for (let i = 0; i < 5; i++) await http(sut.url, 'POST', '/products', { sku: `PAGE-${i}`, name: 'p', unitPrice: 1, stock: 1 }, sut.staff);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await http(sut.url, 'GET', `/products?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...res.body.items.map((p) => p.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const { rows } = await sut.db.query('SELECT count(*)::int AS n FROM products.products');
    expect(ids).toHaveLength(rows[0].n);
    expect(new Set(ids).size).toBe(rows[0].n);
  });
});
