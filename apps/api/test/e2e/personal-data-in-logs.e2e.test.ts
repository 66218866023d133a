// No personal data in logs: a whole flow with known e-mail addresses and tokens - placing,
// reading, listing, filtering, cancelling, refused requests of every kind - then the whole log
// output (debug level) is searched for them. (Errors stored with events: stored-errors-masked.)
import { bearer, eventually } from '@orderly/testing';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';
import { RawLog } from './raw-log.js';

const ADA = 'Pii.Ada+shop@example.com';
const BOB = 'pii.bob@example.org';

function secretsIn(log: string, secrets: readonly string[]): string[] {
  const haystack = log.toLowerCase();
  return secrets.filter((secret) => haystack.includes(secret.toLowerCase()) || haystack.includes(encodeURIComponent(secret).toLowerCase()));
}

describe('with the log e-mail transport', () => {
  const log = new RawLog();
  let sut: OrderlyUnderTest;
  beforeAll(async () => {
    sut = await startOrderlyForTest({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, { logDestination: log });
  });
  afterAll(async () => sut?.stop());

  it('writes no e-mail address, Authorization header or token anywhere in the log', async () => {
    const adaToken = sut.issuer.customerToken(ADA);
    const bobToken = sut.issuer.customerToken(BOB);
    const staffToken = sut.issuer.staffToken();
    const expired = sut.issuer.token({ sub: 'x', email: ADA, expiresIn: -600 });
    const ada = bearer(adaToken);

    const product = (await http(sut.url, 'POST', '/products', { sku: 'PII-1', name: 'Lamp', unitPrice: 100, stock: 10 }, bearer(staffToken))).body;
    const order = await http(sut.url, 'POST', '/orders', { customerEmail: ADA, items: [{ productId: product.id, quantity: 1 }] }, { ...ada, 'Idempotency-Key': 'pii-key' });
    expect(order.status).toBe(201);
    expect((await http(sut.url, 'POST', '/orders', { customerEmail: ADA, items: [{ productId: product.id, quantity: 1 }] }, { ...ada, 'Idempotency-Key': 'pii-key' })).status).toBe(201);
    expect((await http(sut.url, 'GET', `/orders/${order.body.id}`, undefined, ada)).status).toBe(200);
    expect((await http(sut.url, 'GET', `/orders?customerEmail=${encodeURIComponent(ADA)}`, undefined, ada)).status).toBe(200);
    expect((await http(sut.url, 'GET', `/orders?customerEmail=${encodeURIComponent(ADA)}&limit=5`, undefined, bearer(staffToken))).status).toBe(200);
    // Refusals: for someone else, with a bad token, badly formed with an address in it, unknown order.
    expect((await http(sut.url, 'POST', '/orders', { customerEmail: BOB, items: [{ productId: product.id, quantity: 1 }] }, ada)).status).toBe(403);
    expect((await http(sut.url, 'GET', '/orders', undefined, bearer(expired))).status).toBe(401);
    expect((await http(sut.url, 'POST', '/orders', { customerEmail: ADA, items: [], note: BOB }, ada)).status).toBe(400);
    expect((await http(sut.url, 'GET', `/orders?customerEmail=${encodeURIComponent(BOB)}&limit=zero`, undefined, bearer(bobToken))).status).toBe(400);
    expect((await http(sut.url, 'GET', `/orders/${order.body.id}`, undefined, bearer(bobToken))).status).toBe(404);
    // The confirmation e-mail is "sent" to the log; then the order is cancelled (a second e-mail).
    await eventually(async () => ((await http(sut.url, 'GET', `/notifications?orderId=${order.body.id}`, undefined, ada)).body.items.length === 1 ? true : undefined));
    expect((await http(sut.url, 'POST', `/orders/${order.body.id}/cancel`, undefined, ada)).status).toBe(200);
    await eventually(async () => ((await http(sut.url, 'GET', `/notifications?orderId=${order.body.id}`, undefined, ada)).body.items.length === 2 ? true : undefined));

    expect(log.text).toContain('"context":"Email"'); // the e-mails were logged...
    expect(log.text).toContain('to=P***@example.com'); // ...with the recipient masked
    expect(log.text).toContain('customerEmail=P***@example.com'); // the query is there, masked
    expect(secretsIn(log.text, [ADA, BOB, adaToken, bobToken, staffToken, expired])).toEqual([]);
    expect(log.text).not.toMatch(/Bearer\s+(?!\[token\])/i);
    expect(log.text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
