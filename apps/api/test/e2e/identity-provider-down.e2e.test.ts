// When the identity provider's keys cannot be fetched, a request that needs a token is answered
// 503 with Retry-After (the token may well be fine; the server cannot tell), never 401 or 500;
// what needs no token is served as usual.
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;

beforeAll(async () => {
  sut = await startOrderlyForTest();
  await sut.issuer.stop(); // before the app ever fetched its JWKS
});
afterAll(async () => sut?.stop());

it('answers 503 problem+json with Retry-After while the JWKS cannot be fetched', async () => {
  const answer = await http(sut.url, 'GET', '/orders', undefined, sut.customer('ada@example.com'));
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toBe('5');
  expect(answer.body).toMatchObject({ status: 503, title: 'Identity provider unavailable' });
  expect((await http(sut.url, 'GET', '/products')).status).toBe(200);
  expect((await http(sut.url, 'GET', '/orders')).status).toBe(401); // no token at all: still 401
});
