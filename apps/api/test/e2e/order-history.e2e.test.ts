// GET /orders: the order history read model (CQRS), kept up to date by OrderPlaced, over HTTP.
import { eventually } from '@orderly/testing';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
let productId: string;

beforeAll(async () => {
  sut = await startOrderlyForTest();
  productId = await sut.createProduct(1000, { unitPrice: 250 });
});
afterAll(async () => sut?.stop());

async function place(customerEmail: string, quantity = 1): Promise<string> {
  const res = await http(sut.url, 'POST', '/orders', { customerEmail, items: [{ productId, quantity }] }, sut.customer(customerEmail));
  expect(res.status).toBe(201);
  return res.body.id;
}

it("lists a customer's orders newest first, page by page, once the read model has caught up", async () => {
  const mine = [];
  for (let i = 1; i <= 3; i++) mine.push(await place('history@example.com', i));
  await place('other@example.com');

  const first = await eventually(async () => {
    const res = await http(sut.url, 'GET', '/orders?customerEmail=history@example.com&limit=2', undefined, sut.staff);
    return res.status === 200 && res.body.nextCursor ? res.body : undefined;
  });
  expect(first.items).toEqual([
    { id: mine[2], customerEmail: 'history@example.com', total: 750, itemCount: 3, placedAt: expect.any(String), status: 'confirmed', statusChangedAt: expect.any(String) },
    { id: mine[1], customerEmail: 'history@example.com', total: 500, itemCount: 2, placedAt: expect.any(String), status: 'confirmed', statusChangedAt: expect.any(String) },
  ]);
  const second = await http(sut.url, 'GET', `/orders?customerEmail=history@example.com&limit=2&cursor=${first.nextCursor}`, undefined, sut.staff);
  expect(second.body).toEqual({ items: [expect.objectContaining({ id: mine[0], itemCount: 1 })], nextCursor: null });

  const everyone = await eventually(async () => {
    const res = await http(sut.url, 'GET', '/orders', undefined, sut.staff);
    return res.body.items.length === 4 ? res.body : undefined;
  });
  expect(everyone.nextCursor).toBeNull();
});

it.each<[string, string, RegExp]>([
  ['a limit of 0', '/orders?limit=0', /limit must not be less than 1/],
  ['a limit over 100', '/orders?limit=101', /limit must not be greater than 100/],
  ['a limit that is not a number', '/orders?limit=ten', /limit must be an integer/],
  ['an invalid email', '/orders?customerEmail=not-an-email', /customerEmail must be an email/],
  ['a cursor it did not issue', '/orders?cursor=bogus', /cursor/],
  ['an unknown parameter', '/orders?status=open', /status/],
])('answers %s with a 400 problem', async (_what, path, message) => {
  const res = await http(sut.url, 'GET', path, undefined, sut.staff);
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.stringify(res.body)).toMatch(message);
});
