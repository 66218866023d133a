import { connect } from 'node:net';
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
    ['no items', 'POST', '/orders', { customerEmail: 'a@example.com', items: [] }, 400, /items must contain at least 1 item\(s\)/],
    ['a quantity of 0', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 0 }] }, 400, /items\[0\]\.quantity must not be less than 1/],
    ['a string quantity', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: '2' }] }, 400, /items\[0\]\.quantity must be an integer/],
    ['a repeated product', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }, { productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }] }, 400, /must not repeat a productId/],
    ['a non-uuid productId', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId: 'abc', quantity: 1 }] }, 400, /items\[0\]\.productId must be a UUID/],
    ['a body that is an array', 'POST', '/orders', [1, 2], 400, 'The request body must be a JSON object, not an array.'],
    ['a body that is null', 'POST', '/orders', 'null', 400, 'The request body must be a JSON object, not null.'],
    ['a body that is a number', 'POST', '/products', '42', 400, 'The request body must be a JSON object, not a number.'],
    ['arrays nested 2,000 deep as the body', 'POST', '/orders', '['.repeat(2000) + ']'.repeat(2000), 400, 'The request body must be a JSON object, not an array.'],
    ['arrays nested 2,000 deep in items', 'POST', '/orders', `{"customerEmail":"a@example.com","items":${'['.repeat(2000)}${']'.repeat(2000)}}`, 400, /nests objects and arrays more than 32 levels deep/],
    ['objects nested 2,000 deep in a restock', 'POST', '/products/00000000-0000-4000-8000-000000000001/restock', `${'{"quantity":'.repeat(2000)}1${'}'.repeat(2000)}`, 400, /more than 32 levels deep/],
    ['arrays nested 2,000 deep in a restock', 'POST', '/products/00000000-0000-4000-8000-000000000001/restock', `{"quantity":${'['.repeat(2000)}${']'.repeat(2000)}}`, 400, /more than 32 levels deep/],
    ['a forged order-history cursor', 'GET', '/orders?cursor=Zm9vYmFy', undefined, 400, /cursor is not one this API returned/],
    ['a malformed sku', 'POST', '/products', { sku: 'has space', name: 'x', unitPrice: 1, stock: 1 }, 400, /sku must be 1-64 characters/],
    ['a fractional price', 'POST', '/products', { sku: 'OK-1', name: 'x', unitPrice: 1.5, stock: 1 }, 400, /unitPrice must be an integer/],
    ['a price above 1e9', 'POST', '/products', { sku: 'OK-1', name: 'x', unitPrice: 1_000_000_001, stock: 1 }, 400, /unitPrice must not be greater than 1000000000/],
    ['a name of white space only', 'POST', '/products', { sku: 'OK-1', name: '   ', unitPrice: 1, stock: 1 }, 400, 'The request is invalid: name must contain a character other than white space.'],
    ['a 201-character name', 'POST', '/products', { sku: 'OK-1', name: 'x'.repeat(201), unitPrice: 1, stock: 1 }, 400, /name must be shorter than or equal to 200 characters/],
    ['a zero restock', 'POST', '/products/00000000-0000-4000-8000-000000000001/restock', { quantity: 0 }, 400, /quantity must not be less than 1/],
    ['a malformed order id', 'GET', '/orders/not-a-uuid', undefined, 400, 'id must be a UUID.'],
    ['a malformed product id', 'GET', '/products/123', undefined, 400, 'id must be a UUID.'],
    ['a limit of 0', 'GET', '/products?limit=0', undefined, 400, /limit must not be less than 1/],
    ['a limit of 101', 'GET', '/products?limit=101', undefined, 400, /limit must not be greater than 100/],
    ['a non-numeric limit', 'GET', '/products?limit=ten', undefined, 400, /limit must be an integer/],
    ['a forged cursor', 'GET', '/products?cursor=Zm9vYmFy', undefined, 400, /cursor is not one this API returned/],
    ['an unknown query parameter', 'GET', '/products?sort=name', undefined, 400, /sort is not allowed/],
    ['notifications without orderId', 'GET', '/notifications', undefined, 400, 'The request is invalid: orderId is required.'],
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
    expect(res.body).toMatchObject({ status, title: expect.any(String), type: expect.stringMatching(/^https:\/\/orderly\.dev\/problems\/[a-z][a-z-]*$/) });
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
    expect(await res.json()).toEqual({ status: 415, title: 'Unsupported media type', type: 'https://orderly.dev/problems/unsupported-media-type', detail });
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
    expect(res.body.errors).toEqual([
      { field: 'sku', message: 'sku must be 1-64 characters of letters, digits, "-" or "_"' },
      { field: 'name', message: 'name must contain a character other than white space' },
      { field: 'unitPrice', message: 'unitPrice must not be less than 0' },
      { field: 'stock', message: 'stock must be an integer' },
    ]);
  });

  it.each<[string, string, string, unknown, { field: string; message: string }[]]>([
    ['a missing field is only "is required"', 'POST', '/orders', { customerEmail: 'a@example.com' }, [{ field: 'items', message: 'items is required' }]],
    ['a missing nested field', 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ quantity: 1 }] }, [{ field: 'items[0].productId', message: 'items[0].productId is required' }]],
    ['a null field', 'POST', '/products/00000000-0000-4000-8000-000000000001/restock', { quantity: null }, [{ field: 'quantity', message: 'quantity must not be null' }]],
    ['a string price is one type message, not two range messages', 'POST', '/products', { sku: 'TYPE-2', name: 'x', unitPrice: '12', stock: 1 }, [{ field: 'unitPrice', message: 'unitPrice must be an integer' }]],
    ['a string of items', 'POST', '/orders', { customerEmail: 'a@example.com', items: 'many' }, [{ field: 'items', message: 'items must be an array' }]],
    ['a null item, in our words', 'POST', '/orders', { customerEmail: 'a@example.com', items: [null] }, [{ field: 'items', message: 'each item must be an object {productId, quantity}' }]],
    ['a number for an email', 'POST', '/orders', { customerEmail: 42, items: [{ productId: '00000000-0000-4000-8000-000000000001', quantity: 1 }] }, [{ field: 'customerEmail', message: 'customerEmail must be an email address' }]],
  ])('gives one clear message per broken constraint: %s', async (_what, method, path, body, errors) => {
    const res = await http(sut.url, method, path, body, sut.staff);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(errors);
    expect(res.body.detail).toBe(`The request is invalid: ${errors.map((e) => e.message).join('; ')}.`);
  });

  it.each(['"a b"@example.com', '"a@b"@example.com'])('refuses %s as customerEmail at the edge, even from its owner (nothing can be sent to it)', async (email) => {
    const res = await http(sut.url, 'POST', '/orders', { ...validOrder(), customerEmail: email }, sut.customer(email));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'https://orderly.dev/problems/invalid-request', errors: [{ field: 'customerEmail', message: 'customerEmail must be an email address' }] });
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

describe('requests the HTTP parser refuses before any route sees them', () => {
  /** Sends raw bytes and reads the whole answer (the server closes the connection after it). */
  function rawExchange(request: string): Promise<{ status: number; headers: string; body: any }> {
    const url = new URL(sut.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end(request));
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, body] = [answer.slice(0, answer.indexOf('\r\n\r\n')), answer.slice(answer.indexOf('\r\n\r\n') + 4)];
        resolve({ status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) });
      });
    });
  }

  it.each<[string, string, number, string]>([
    ['a 20 KB URL', `GET /products?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'headers-too-large'],
    ['a 20 KB header', `GET /products HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers-too-large'],
    ['bytes that are not HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400, 'malformed-request'],
  ])('answers %s as problem+json', async (_what, request, status, type) => {
    const before = await snapshot();
    const answer = await rawExchange(request);
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatch(/\r\nContent-Type: application\/problem\+json; charset=utf-8\r\n/i);
    expect(answer.body).toMatchObject({ type: `https://orderly.dev/problems/${type}`, status, title: expect.any(String), detail: expect.any(String) });
    const document = (await (await fetch(`${sut.url}/openapi.json`)).json()) as { components: { schemas: { Problem: { properties: { type: { enum: string[] } } } } } };
    const documented = document.components.schemas.Problem.properties.type.enum;
    expect(documented).toContain(answer.body.type);
    expect(await snapshot()).toEqual(before);
  });
});

describe('ids are UUIDs in any letter case, answered in lower case', () => {
  const customer = () => sut.customer('case@example.com');
  const placeOne = async (id: string) => {
    const placed = await http(sut.url, 'POST', '/orders', { customerEmail: 'case@example.com', items: [{ productId: id, quantity: 1 }] }, customer());
    expect(placed.status).toBe(201);
    return placed;
  };

  it('places, reads, restocks and finds notifications by upper-case ids', async () => {
    const upper = productId.toUpperCase();
    const placed = await placeOne(upper);
    expect(placed.body.items[0].productId).toBe(productId);
    const orderId: string = placed.body.id;
    expect(orderId).toBe(orderId.toLowerCase());

    const read = await http(sut.url, 'GET', `/orders/${orderId.toUpperCase()}`, undefined, customer());
    expect(read).toMatchObject({ status: 200, body: { id: orderId } });
    expect(await http(sut.url, 'GET', `/products/${upper}`)).toMatchObject({ status: 200, body: { id: productId } });
    expect(await http(sut.url, 'POST', `/products/${upper}/restock`, { quantity: 1 }, sut.staff)).toMatchObject({ status: 200, body: { id: productId } });
    const notifications = await http(sut.url, 'GET', `/notifications?orderId=${orderId.toUpperCase()}`, undefined, customer());
    expect(notifications.status).toBe(200);
    expect(notifications.body.items.every((n: { orderId: string }) => n.orderId === orderId)).toBe(true);
  });

  it('cancels, ships, edits and withdraws by upper-case ids', async () => {
    const cancelled = (await placeOne(productId)).body.id as string;
    expect(await http(sut.url, 'POST', `/orders/${cancelled.toUpperCase()}/cancel`, undefined, customer())).toMatchObject({
      status: 200,
      body: { id: cancelled, status: 'cancelled' },
    });
    const shipped = (await placeOne(productId)).body.id as string;
    expect(await http(sut.url, 'POST', `/orders/${shipped.toUpperCase()}/ship`, undefined, sut.staff)).toMatchObject({
      status: 200,
      body: { id: shipped, status: 'shipped' },
    });

    const product = (await http(sut.url, 'POST', '/products', { sku: 'CASE-EDIT', name: 'before', unitPrice: 1, stock: 1 }, sut.staff)).body;
    const upper = (product.id as string).toUpperCase();
    const etag = (await http(sut.url, 'GET', `/products/${upper}`)).headers.get('etag')!;
    expect(await http(sut.url, 'PATCH', `/products/${upper}`, { name: 'after' }, { ...sut.staff, 'If-Match': etag })).toMatchObject({
      status: 200,
      body: { id: product.id, name: 'after' },
    });
    expect(await http(sut.url, 'POST', `/products/${upper}/withdraw`, undefined, sut.staff)).toMatchObject({
      status: 200,
      body: { id: product.id, withdrawn: true },
    });
  });

  it('treats the same product in two letter cases as a repeated product', async () => {
    const res = await http(
      sut.url,
      'POST',
      '/orders',
      { customerEmail: 'case@example.com', items: [{ productId, quantity: 1 }, { productId: productId.toUpperCase(), quantity: 1 }] },
      customer(),
    );
    expect(res.status).toBe(400);
  });
});

describe('products over HTTP', () => {
  it('answers a created product with 201 and its Location', async () => {
    const res = await http(sut.url, 'POST', '/products', { sku: 'LOCATION-1', name: 'l', unitPrice: 1, stock: 1 }, sut.staff);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/products/${res.body.id}`);
    expect((await http(sut.url, 'GET', res.headers.get('location')!)).body).toEqual(res.body);
  });

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
