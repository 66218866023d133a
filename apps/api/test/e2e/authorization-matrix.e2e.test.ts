// Who may do what, cell by cell: every operation of /openapi.json x every kind of caller, against
// the real app trusting an identity provider whose JWKS this test serves. Broken tokens of every
// classic kind are refused with 401; valid ones without the scope with 403; another customer's
// order is answered exactly like one that does not exist.
import { bearer } from '@orderly/testing';
import { http, startOrderlyForTest, type HttpAnswer, type OrderlyUnderTest } from './orderly-harness.js';

const sut: OrderlyUnderTest = await startOrderlyForTest();
const { issuer } = sut;

const A = { sub: 'customer-a', email: 'a@example.com', scope: 'orders:write orders:read' };
const B = { sub: 'customer-b', email: 'b@example.com', scope: 'orders:write orders:read' };

/** Valid callers, then tokens an attacker might try (all made for customer A). */
const CALLERS = {
  anonymous: {},
  'customer A': bearer(issuer.token(A)),
  'customer B': bearer(issuer.token(B)),
  staff: bearer(issuer.token({ sub: 'staff-1', email: 'staff@example.com', scope: 'orders:read:any orders:fulfil' })),
  'catalog manager': bearer(issuer.token({ sub: 'catalog-1', email: 'catalog@example.com', scope: 'catalog:write' })),
  expired: bearer(issuer.token({ ...A, expiresIn: -120 })),
  'no exp': bearer(issuer.token({ ...A, extra: { exp: undefined } })),
  'wrong issuer': bearer(issuer.token({ ...A, iss: 'https://login.evil.example/' })),
  'wrong audience': bearer(issuer.token({ ...A, aud: 'some-other-api' })),
  'alg none': bearer(issuer.token(A, 'none')),
  'tampered signature': bearer(issuer.token(A, 'tampered')),
  'unknown kid': bearer(issuer.token(A, 'unknown-kid')),
  'HS256 signed with the public key': bearer(issuer.token(A, 'hs256-with-public-key')),
} as const;
type Caller = keyof typeof CALLERS;
const BROKEN: Caller[] = ['expired', 'no exp', 'wrong issuer', 'wrong audience', 'alg none', 'tampered signature', 'unknown kid', 'HS256 signed with the public key'];

const UNKNOWN_ORDER = '00000000-0000-4000-8000-00000000dead';
let productId: string;
/** A product of its own for the catalog edits (withdrawing the orders' product would refuse them). */
let editableId: string;
let ordersOfA: string[];
let orderOfB: string;

beforeAll(async () => {
  productId = (await http(sut.url, 'POST', '/products', { sku: 'MATRIX-1', name: 'Matrix lamp', unitPrice: 500, stock: 1_000 }, sut.staff)).body.id;
  editableId = (await http(sut.url, 'POST', '/products', { sku: 'MATRIX-EDIT', name: 'Editable', unitPrice: 500, stock: 10 }, sut.staff)).body.id;
  ordersOfA = [];
  for (let i = 0; i < 3; i++) {
    ordersOfA.push((await http(sut.url, 'POST', '/orders', { customerEmail: A.email, items: [{ productId, quantity: 1 }] }, CALLERS['customer A'])).body.id);
  }
  orderOfB = (await http(sut.url, 'POST', '/orders', { customerEmail: B.email, items: [{ productId, quantity: 1 }] }, CALLERS['customer B'])).body.id;
});
afterAll(async () => sut?.stop());

let skus = 0;
interface Operation {
  readonly send: (headers: Record<string, string>) => Promise<HttpAnswer>;
  /** Status per caller; the broken tokens are always 401 for an operation that needs a token. */
  readonly expected: Partial<Record<Caller, number>>;
  readonly public?: boolean;
}

const everyone = (status: number): Partial<Record<Caller, number>> => Object.fromEntries(Object.keys(CALLERS).map((c) => [c, status]));

const OPERATIONS: Record<string, Operation> = {
  'GET /products': { send: (h) => http(sut.url, 'GET', '/products', undefined, h), expected: everyone(200), public: true },
  'GET /products/{id}': { send: (h) => http(sut.url, 'GET', `/products/${productId}`, undefined, h), expected: everyone(200), public: true },
  'GET /health/live': { send: (h) => http(sut.url, 'GET', '/health/live', undefined, h), expected: everyone(200), public: true },
  'GET /health/ready': { send: (h) => http(sut.url, 'GET', '/health/ready', undefined, h), expected: everyone(200), public: true },
  'POST /products': {
    send: (h) => http(sut.url, 'POST', '/products', { sku: `MATRIX-NEW-${++skus}`, name: 'New', unitPrice: 1, stock: 1 }, h),
    expected: { anonymous: 401, 'customer A': 403, 'customer B': 403, staff: 403, 'catalog manager': 201 },
  },
  // With the current ETag: the catalog manager's edit succeeds, everyone else is refused before it.
  'PATCH /products/{id}': {
    send: async (h) => {
      const etag = (await http(sut.url, 'GET', `/products/${editableId}`)).headers.get('etag')!;
      return http(sut.url, 'PATCH', `/products/${editableId}`, { name: `Edited ${++skus}` }, { ...h, 'if-match': etag });
    },
    expected: { anonymous: 401, 'customer A': 403, 'customer B': 403, staff: 403, 'catalog manager': 200 },
  },
  'POST /products/{id}/withdraw': {
    send: (h) => http(sut.url, 'POST', `/products/${editableId}/withdraw`, undefined, h),
    expected: { anonymous: 401, 'customer A': 403, 'customer B': 403, staff: 403, 'catalog manager': 200 },
  },
  'POST /products/{id}/restock': {
    send: (h) => http(sut.url, 'POST', `/products/${productId}/restock`, { quantity: 1 }, h),
    expected: { anonymous: 401, 'customer A': 403, 'customer B': 403, staff: 403, 'catalog manager': 200 },
  },
  // An order naming customer A: only A may place it (B's token says b@example.com: 403).
  'POST /orders': {
    send: (h) => http(sut.url, 'POST', '/orders', { customerEmail: A.email, items: [{ productId, quantity: 1 }] }, h),
    expected: { anonymous: 401, 'customer A': 201, 'customer B': 403, staff: 403, 'catalog manager': 403 },
  },
  // One of A's orders: B gets 404, as for an id that does not exist.
  'GET /orders/{id}': {
    send: (h) => http(sut.url, 'GET', `/orders/${ordersOfA[0]}`, undefined, h),
    expected: { anonymous: 401, 'customer A': 200, 'customer B': 404, staff: 200, 'catalog manager': 403 },
  },
  'GET /orders': {
    send: (h) => http(sut.url, 'GET', `/orders?customerEmail=${encodeURIComponent(A.email)}`, undefined, h),
    expected: { anonymous: 401, 'customer A': 200, 'customer B': 200, staff: 200, 'catalog manager': 403 },
  },
  // A's second order: A cancels it, staff may too (a repeat answers the same); B gets 404.
  'POST /orders/{id}/cancel': {
    send: (h) => http(sut.url, 'POST', `/orders/${ordersOfA[1]}/cancel`, undefined, h),
    expected: { anonymous: 401, 'customer A': 200, 'customer B': 404, staff: 200, 'catalog manager': 403 },
  },
  // A's third order: only staff (orders:fulfil) ship.
  'POST /orders/{id}/ship': {
    send: (h) => http(sut.url, 'POST', `/orders/${ordersOfA[2]}/ship`, undefined, h),
    expected: { anonymous: 401, 'customer A': 403, 'customer B': 403, staff: 200, 'catalog manager': 403 },
  },
  'GET /notifications': {
    send: (h) => http(sut.url, 'GET', `/notifications?orderId=${ordersOfA[0]}`, undefined, h),
    expected: { anonymous: 401, 'customer A': 200, 'customer B': 200, staff: 200, 'catalog manager': 403 },
  },
};

const cells = Object.entries(OPERATIONS).flatMap(([name, operation]) =>
  (Object.keys(CALLERS) as Caller[]).map((caller) => {
    const expected = operation.expected[caller] ?? (BROKEN.includes(caller) ? 401 : undefined);
    if (expected === undefined) throw new Error(`${name}: no expected status for ${caller}`);
    return [name, caller, expected, operation] as const;
  }),
);

it('covers every operation the document lists', async () => {
  const doc = (await (await fetch(`${sut.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
  expect(Object.keys(OPERATIONS).sort()).toEqual(documented.sort());
});

describe.each(cells)('%s as %s', (_name, caller, expected, operation) => {
  it(`answers ${expected}`, async () => {
    const answer = await operation.send(CALLERS[caller]);
    expect(answer.status).toBe(expected);
    const challenge = answer.headers.get('www-authenticate');
    if (expected === 401) {
      expect(answer.body).toMatchObject({ status: 401 });
      // RFC 6750: no token, a bare challenge; a bad token, error="invalid_token".
      expect(challenge).toEqual(caller === 'anonymous' ? 'Bearer realm="orderly"' : expect.stringMatching(/^Bearer realm="orderly", error="invalid_token"/));
    } else if (expected === 403 && answer.body.type.endsWith('/insufficient-scope')) {
      expect(challenge).toMatch(/^Bearer realm="orderly", error="insufficient_scope", scope="[a-z: ]+"$/);
    } else {
      expect(challenge).toBeNull();
    }
  });
});

describe('customer B learns nothing about customer A', () => {
  const asB = () => CALLERS['customer B'];

  it("gets A's order answered exactly like an order that does not exist", async () => {
    const forA = await http(sut.url, 'GET', `/orders/${ordersOfA[0]}`, undefined, asB());
    const unknown = await http(sut.url, 'GET', `/orders/${UNKNOWN_ORDER}`, undefined, asB());
    expect(forA.status).toBe(404);
    expect({ ...forA.body, detail: forA.body.detail.replace(ordersOfA[0], 'ID') }).toEqual({ ...unknown.body, detail: unknown.body.detail.replace(UNKNOWN_ORDER, 'ID') });
    expect(JSON.stringify(forA.body)).not.toContain(A.email);
  });

  it("cannot cancel A's order: 404 exactly like an order that does not exist, and the order stays as it was", async () => {
    const before = (await http(sut.url, 'GET', `/orders/${ordersOfA[0]}`, undefined, CALLERS['customer A'])).body;
    const forA = await http(sut.url, 'POST', `/orders/${ordersOfA[0]}/cancel`, undefined, asB());
    const unknown = await http(sut.url, 'POST', `/orders/${UNKNOWN_ORDER}/cancel`, undefined, asB());
    expect(forA.status).toBe(404);
    expect({ ...forA.body, detail: forA.body.detail.replace(ordersOfA[0], 'ID') }).toEqual({ ...unknown.body, detail: unknown.body.detail.replace(UNKNOWN_ORDER, 'ID') });
    expect((await http(sut.url, 'GET', `/orders/${ordersOfA[0]}`, undefined, CALLERS['customer A'])).body).toEqual(before);
  });

  it("sees A's notifications exactly like those of an order that does not exist", async () => {
    const forA = await http(sut.url, 'GET', `/notifications?orderId=${ordersOfA[0]}`, undefined, asB());
    const unknown = await http(sut.url, 'GET', `/notifications?orderId=${UNKNOWN_ORDER}`, undefined, asB());
    expect([forA.status, forA.body]).toEqual([unknown.status, unknown.body]);
    expect(forA.body).toEqual({ items: [] });
  });

  it("lists only B's own orders, whatever e-mail filter B sends", async () => {
    const own = await http(sut.url, 'GET', '/orders', undefined, asB());
    expect(own.body.items.map((o: { id: string }) => o.id)).toEqual([orderOfB]);
    for (const filter of [A.email, A.email.toUpperCase(), B.email]) {
      const filtered = await http(sut.url, 'GET', `/orders?customerEmail=${encodeURIComponent(filter)}`, undefined, asB());
      expect(filtered.body.items.every((o: { id: string }) => o.id === orderOfB)).toBe(true);
    }
  });

  it("cannot read A's Idempotency-Key answer: the same key from B is B's own request", async () => {
    const key = 'matrix-shared-key';
    const first = await http(sut.url, 'POST', '/orders', { customerEmail: A.email, items: [{ productId, quantity: 1 }] }, { ...CALLERS['customer A'], 'Idempotency-Key': key });
    const fromB = await http(sut.url, 'POST', '/orders', { customerEmail: B.email, items: [{ productId, quantity: 1 }] }, { ...CALLERS['customer B'], 'Idempotency-Key': key });
    expect([first.status, fromB.status]).toEqual([201, 201]);
    expect(fromB.headers.get('idempotent-replayed')).toBeNull();
    expect(fromB.body.id).not.toBe(first.body.id);
    expect(fromB.body.customerEmail).toBe(B.email);
  });

  it('staff see every order and may filter by any e-mail', async () => {
    const all = await http(sut.url, 'GET', `/orders?customerEmail=${encodeURIComponent(A.email)}&limit=100`, undefined, CALLERS.staff);
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    expect(all.body.items.every((o: { customerEmail: string }) => o.customerEmail === A.email)).toBe(true);
    expect((await http(sut.url, 'GET', `/orders/${orderOfB}`, undefined, CALLERS.staff)).status).toBe(200);
  });
});

it('re-fetches the JWKS for an unknown kid at most once per cooldown, however many such tokens arrive', async () => {
  await http(sut.url, 'GET', '/orders', undefined, CALLERS['customer A']); // keys are cached by now
  const before = issuer.jwksFetches();
  const answers = await Promise.all(Array.from({ length: 20 }, () => http(sut.url, 'GET', '/orders', undefined, bearer(issuer.token(A, 'unknown-kid')))));
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(401));
  expect(issuer.jwksFetches() - before).toBeLessThanOrEqual(1);
});
