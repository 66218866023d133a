// Catalog edits (issue 14): PATCH /products/:id with optimistic concurrency (ETag / If-Match) and
// POST /products/:id/withdraw, over HTTP; placed orders keep what they were placed with.
import { eventually } from '@orderly/testing';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;

beforeAll(async () => {
  sut = await startOrderlyForTest();
});
afterAll(async () => sut?.stop());

const patch = (id: string, body: unknown, ifMatch?: string) =>
  http(sut.url, 'PATCH', `/products/${id}`, body, ifMatch === undefined ? sut.staff : { ...sut.staff, 'if-match': ifMatch });

describe('PATCH /products/:id', () => {
  it('changes name and price when If-Match is the current ETag, and answers the new ETag', async () => {
    const id = await sut.createProduct(50);
    const read = await http(sut.url, 'GET', `/products/${id}`);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toMatchObject({ withdrawn: false, withdrawnAt: null });

    const changed = await patch(id, { name: 'Renamed', unitPrice: 1250 }, read.headers.get('etag')!);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(changed.body).toMatchObject({ id, name: 'Renamed', unitPrice: 1250, stock: 50 });
    const reread = await http(sut.url, 'GET', `/products/${id}`);
    expect([reread.body, reread.headers.get('etag')]).toEqual([changed.body, '"2"']);

    const onlyPrice = await patch(id, { unitPrice: 1300 }, '"2"');
    expect(onlyPrice.body).toMatchObject({ name: 'Renamed', unitPrice: 1300 });
  });

  it('answers 428 without If-Match (or with *), 412 with a stale one, 400 for a malformed one or body, and changes nothing', async () => {
    const id = await sut.createProduct(50);
    for (const ifMatch of [undefined, '*']) {
      const res = await patch(id, { name: 'x' }, ifMatch);
      expect([res.status, res.body.title]).toEqual([428, 'If-Match required']);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    await patch(id, { name: 'Second' }, '"1"');
    const stale = await patch(id, { name: 'Lost' }, '"1"');
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ title: 'Product changed', currentETag: '"2"' });
    expect((await patch(id, { name: 'Weak' }, 'W/"2"')).status).toBe(412);
    expect((await patch(id, { name: 'x' }, '2')).status).toBe(400);
    expect((await patch(id, {}, '"2"')).status).toBe(400);
    expect((await patch(id, { stock: 1 }, '"2"')).status).toBe(400);
    expect((await patch(id, { unitPrice: -1 }, '"2"')).status).toBe(400);
    expect((await patch('00000000-0000-4000-8000-000000000000', { name: 'x' }, '"1"')).status).toBe(404);
    const now = await http(sut.url, 'GET', `/products/${id}`);
    expect([now.body.name, now.headers.get('etag')]).toEqual(['Second', '"2"']);
  });

  it('concurrent PATCHes with the same If-Match: one 200, the rest 412, no lost update', async () => {
    const id = await sut.createProduct(50);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => patch(id, { name: `Name ${i}`, unitPrice: 2000 + i }, '"1"')));
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412)).toHaveLength(19);
    const final = await http(sut.url, 'GET', `/products/${id}`);
    expect(final.body).toEqual(winners[0]!.body);
    expect(final.headers.get('etag')).toBe('"2"');
  });

  it('leaves placed orders at the price they were placed at', async () => {
    const id = await sut.createProduct(50);
    const before = await http(sut.url, 'POST', '/orders', { customerEmail: 'price@example.com', items: [{ productId: id, quantity: 2 }] }, sut.customer('price@example.com'));
    const etag = (await http(sut.url, 'GET', `/products/${id}`)).headers.get('etag')!;
    expect((await patch(id, { unitPrice: 2000 }, etag)).status).toBe(200);
    const after = await http(sut.url, 'POST', '/orders', { customerEmail: 'price@example.com', items: [{ productId: id, quantity: 2 }] }, sut.customer('price@example.com'));
    expect((await http(sut.url, 'GET', `/orders/${before.body.id}`, undefined, sut.staff)).body).toMatchObject({ total: 2000, items: [{ unitPrice: 1000 }] });
    expect(after.body).toMatchObject({ total: 4000, items: [{ unitPrice: 2000 }] });
  });
});

describe('POST /products/:id/withdraw', () => {
  it('stops new orders for the product (422 naming it) and leaves placed ones as they were', async () => {
    const id = await sut.createProduct(10, { unitPrice: 500 });
    const other = await sut.createProduct(10, { unitPrice: 500 });
    const placed = await http(sut.url, 'POST', '/orders', { customerEmail: 'withdraw@example.com', items: [{ productId: id, quantity: 3 }] }, sut.customer('withdraw@example.com'));
    expect(placed.status).toBe(201);

    const withdrawn = await http(sut.url, 'POST', `/products/${id}/withdraw`, undefined, sut.staff);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ withdrawn: true, withdrawnAt: expect.any(String), stock: 7 });
    const again = await http(sut.url, 'POST', `/products/${id}/withdraw`, undefined, sut.staff);
    expect([again.status, again.body, again.headers.get('etag')]).toEqual([200, withdrawn.body, withdrawn.headers.get('etag')]);

    const refused = await http(sut.url, 'POST', '/orders', {
      customerEmail: 'withdraw@example.com',
      items: [{ productId: other, quantity: 1 }, { productId: id, quantity: 1 }],
    }, sut.customer('withdraw@example.com'));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ title: 'Withdrawn products', withdrawnProductIds: [id] });
    expect(refused.body.detail).toContain(id);
    expect((await http(sut.url, 'GET', `/products/${other}`)).body.stock).toBe(10);

    expect((await http(sut.url, 'GET', `/orders/${placed.body.id}`, undefined, sut.staff)).body).toEqual(placed.body);
    // A placed order of a withdrawn product can still be cancelled; its stock comes back.
    expect((await http(sut.url, 'POST', `/orders/${placed.body.id}/cancel`, undefined, sut.staff)).status).toBe(200);
    await eventually(async () => ((await http(sut.url, 'GET', `/products/${id}`)).body.stock === 10 ? true : undefined), { timeoutMs: 30_000 });
    expect((await http(sut.url, 'POST', '/products/00000000-0000-4000-8000-000000000000/withdraw', undefined, sut.staff)).status).toBe(404);
  });
});
