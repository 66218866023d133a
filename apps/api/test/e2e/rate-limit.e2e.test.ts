// Writes are rate-limited per subject (per client address when anonymous): the limit's own test,
// with a small WRITE_RATE_LIMIT (the harness turns it up for every other test, as the bench does).
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
let productId: string;

beforeAll(async () => {
  sut = await startOrderlyForTest({ WRITE_RATE_LIMIT: '3', WRITE_RATE_WINDOW_MS: '60000' });
  productId = await sut.createProduct(100);
});
afterAll(async () => sut?.stop());

const order = (email: string) => http(sut.url, 'POST', '/orders', { customerEmail: email, items: [{ productId, quantity: 1 }] }, sut.customer(email));

it('answers the write over the limit with 429 problem+json and Retry-After, per subject', async () => {
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await order('busy@example.com')).status);
  expect(statuses).toEqual([201, 201, 201, 429]);
  const refused = await order('busy@example.com');
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(refused.body).toMatchObject({ status: 429, title: 'Too many requests', detail: expect.stringContaining('More than 3 writes in 60 s') });
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  // Another customer has a budget of their own; reads are not limited.
  expect((await order('calm@example.com')).status).toBe(201);
  for (let i = 0; i < 5; i++) expect((await http(sut.url, 'GET', '/orders', undefined, sut.customer('busy@example.com'))).status).toBe(200);
});

it('counts anonymous writes per client address, before they are refused for the missing token', async () => {
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await http(sut.url, 'POST', '/products', { sku: `ANON-${i}`, name: 'x', unitPrice: 1, stock: 1 })).status);
  expect(statuses).toEqual([401, 401, 401, 429]);
});
