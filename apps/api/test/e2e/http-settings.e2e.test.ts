// Settings that change the HTTP surface: the body limit, CORS; and the security headers.
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

describe('by default', () => {
  let sut: OrderlyUnderTest;
  beforeAll(async () => (sut = await startOrderlyForTest()));
  afterAll(async () => sut?.stop());

  it('sends helmet security headers and no server banner', async () => {
    const res = await http(sut.url, 'GET', '/products?limit=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Plain http: asking the browser to upgrade every asset to https would break /docs opened by address.
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('server')).toBeNull();
  });

  it('sends the security headers on errors too', async () => {
    const res = await http(sut.url, 'GET', '/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('has CORS off: no CORS headers for a browser origin, and a preflight is not answered', async () => {
    const res = await http(sut.url, 'GET', '/products?limit=1', undefined, { Origin: 'https://shop.example.com' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${sut.url}/orders`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts a body of up to 64 KiB', async () => {
    const res = await http(sut.url, 'POST', '/products', { sku: 'BIG-1', name: 'x', unitPrice: 1, stock: 1, pad: 'x'.repeat(60_000) }, sut.staff);
    expect(res.status).toBe(400); // parsed, then refused for its unknown field - not 413
    expect(res.body.detail).toMatch(/pad is not allowed/);
  });
});

describe('configured with BODY_LIMIT_BYTES and CORS_ORIGINS', () => {
  let sut: OrderlyUnderTest;
  beforeAll(async () => (sut = await startOrderlyForTest({ BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://shop.example.com,http://localhost:5173' })));
  afterAll(async () => sut?.stop());

  it('answers a body over the configured limit with 413 naming the limit', async () => {
    const res = await http(sut.url, 'POST', '/products', { sku: 'BIG-2', name: 'x'.repeat(2_100), unitPrice: 1, stock: 1 }, sut.staff);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, detail: 'The request body exceeds the limit of 2048 bytes.' });
  });

  it('allows a listed origin, exposing the request id, Location and ETag headers', async () => {
    const res = await http(sut.url, 'GET', '/products?limit=1', undefined, { Origin: 'http://localhost:5173' });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toBe('X-Request-Id,Location,ETag,Idempotent-Replayed');
  });

  it.each([
    ['/orders', 'GET,HEAD,POST'],
    ['/products/00000000-0000-4000-8000-000000000001/restock', 'POST'],
    ['/health/ready', 'GET,HEAD'],
  ])('answers a preflight to %s from a listed origin with only the methods the path serves', async (path, methods) => {
    const preflight = await fetch(`${sut.url}${path}`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toBe(methods);
  });

  it('gives a preflight to a path no route serves no CORS headers', async () => {
    const preflight = await fetch(`${sut.url}/nowhere`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'GET' } });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives an origin that is not listed no CORS headers', async () => {
    const res = await http(sut.url, 'GET', '/products?limit=1', undefined, { Origin: 'https://evil.example.net' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
