// /openapi.json: a valid OpenAPI 3.1 document, generated from the code, that describes every
// route the app serves with every constraint its request classes enforce. /docs serves Swagger UI
// from the npm package (no CDN).
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

// ajv-formats is CommonJS with a default export under `default` when imported from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;
const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
let sut: OrderlyUnderTest;
let doc: any;

beforeAll(async () => {
  sut = await startOrderlyForTest();
  const res = await fetch(`${sut.url}/openapi.json`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await res.json();
});
afterAll(async () => sut?.stop());

const schemaOf = (ref: { $ref: string }) => doc.components.schemas[ref.$ref.replace('#/components/schemas/', '')];
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops as Record<string, any>).map(([method, op]) => ({ path, method, op })));

it('is a valid OpenAPI 3.1 document', async () => {
  expect(doc.openapi).toMatch(/^3\.1\./);
  const result = await new Validator().validate(doc);
  expect(result.errors).toBeUndefined();
  expect(result.valid).toBe(true);
});

it('describes exactly the routes the app serves', () => {
  const served = expressRoutes(sut.orderly.app.getHttpAdapter().getInstance())
    .filter((r) => !r.startsWith('GET /openapi.json') && !r.startsWith('GET /asyncapi.json') && !r.startsWith('GET /docs'))
    .sort();
  const documented = operations()
    .map(({ path, method }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
    .sort();
  expect(documented).toEqual(served);
  expect(documented).toEqual(
    expect.arrayContaining(['GET /notifications', 'GET /orders/:id', 'GET /products', 'GET /products/:id', 'POST /orders', 'POST /products', 'POST /products/:id/restock']),
  );
});

it('leaves nothing undocumented: every operation has a summary and its success body', () => {
  const gaps = operations().flatMap(({ path, method, op }) => {
    const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
    const missing: string[] = [];
    if (op.summary.startsWith('UNDOCUMENTED')) missing.push(`${method} ${path}: summary`);
    if (success.length === 0 || success.some(([, r]: [string, any]) => r.description.startsWith('UNDOCUMENTED'))) missing.push(`${method} ${path}: success response`);
    return missing;
  });
  expect(gaps).toEqual([]);
});

it('documents every request field with its constraints', () => {
  const placeOrder = schemaOf(doc.paths['/orders'].post.requestBody.content['application/json'].schema);
  expect(placeOrder).toMatchObject({
    additionalProperties: false,
    required: ['customerEmail', 'items'],
    properties: {
      customerEmail: { type: 'string', format: 'email', maxLength: 254 },
      items: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, description: 'items must not repeat a productId' },
    },
  });
  expect(schemaOf(placeOrder.properties.items.items)).toEqual({
    type: 'object',
    additionalProperties: false,
    required: ['productId', 'quantity'],
    properties: { productId: { type: 'string', format: 'uuid' }, quantity: { type: 'integer', minimum: 1, maximum: 1000 } },
  });
  expect(schemaOf(doc.paths['/products'].post.requestBody.content['application/json'].schema).properties).toEqual({
    sku: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    name: { type: 'string', maxLength: 200, pattern: '\\S', allOf: [{ pattern: '^[^\\p{Cc}\\p{Cs}]*$' }] },
    unitPrice: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    stock: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
  });
  expect(doc.paths['/products'].get.parameters).toEqual([
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
    { name: 'cursor', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } },
  ]);
  expect(doc.paths['/notifications'].get.parameters).toEqual([{ name: 'orderId', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } }]);
  for (const path of ['/orders/{id}', '/products/{id}', '/products/{id}/restock']) {
    const op = doc.paths[path].get ?? doc.paths[path].post;
    expect(op.parameters).toContainEqual({ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  }
});

it('documents the Idempotency-Key header of POST /orders and what a reused key answers', () => {
  const op = doc.paths['/orders'].post;
  expect(op.parameters).toContainEqual(
    expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' } }),
  );
  expect(op.responses['409'].description).toMatch(/Idempotency-Key is still being processed/);
  expect(op.responses['422'].description).toMatch(/Idempotency-Key was already used with a different body/);
  expect(op.responses['201'].headers.Location.required).toBe(true);
});

it('documents the problem+json errors of every operation', () => {
  const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
  expect(statuses('/orders', 'post')).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '429', '503']);
  expect(statuses('/products', 'post')).toEqual(['201', '400', '401', '403', '409', '413', '415', '429', '503']);
  expect(statuses('/products/{id}/restock', 'post')).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '429', '503']);
  expect(statuses('/products/{id}', 'get')).toEqual(['200', '400', '404', '503']);
  expect(statuses('/orders/{id}', 'get')).toEqual(['200', '400', '401', '403', '404', '503']);
  expect(statuses('/products', 'get')).toEqual(['200', '400', '503']);
  expect(statuses('/notifications', 'get')).toEqual(['200', '400', '401', '403', '503']);
  expect(statuses('/health/live', 'get')).toEqual(['200']);
  expect(doc.paths['/orders'].post.responses['503'].headers['Retry-After'].required).toBe(true);
  for (const { op } of operations()) {
    for (const [status, response] of Object.entries(op.responses) as [string, any][]) {
      if (Number(status) >= 400) expect(Object.keys(response.content)).toEqual(['application/problem+json']);
    }
  }
});

it('documents who may call each operation: a bearer JWT with one of its scopes, or nobody needed', () => {
  expect(doc.components.securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) });
  const security = (path: string, method: string) => doc.paths[path][method].security;
  expect(security('/orders', 'post')).toEqual([{ bearerAuth: ['orders:write'] }]);
  expect(security('/orders', 'get')).toEqual([{ bearerAuth: ['orders:read'] }, { bearerAuth: ['orders:read:any'] }]);
  expect(security('/orders/{id}', 'get')).toEqual([{ bearerAuth: ['orders:read'] }, { bearerAuth: ['orders:read:any'] }]);
  expect(security('/notifications', 'get')).toEqual([{ bearerAuth: ['orders:read'] }, { bearerAuth: ['orders:read:any'] }]);
  expect(security('/products', 'post')).toEqual([{ bearerAuth: ['catalog:write'] }]);
  expect(security('/products/{id}/restock', 'post')).toEqual([{ bearerAuth: ['catalog:write'] }]);
  expect(security('/products/{id}', 'patch')).toEqual([{ bearerAuth: ['catalog:write'] }]);
  expect(security('/products/{id}/withdraw', 'post')).toEqual([{ bearerAuth: ['catalog:write'] }]);
  expect(security('/orders/{id}/cancel', 'post')).toEqual([{ bearerAuth: ['orders:write'] }, { bearerAuth: ['orders:fulfil'] }]);
  expect(security('/orders/{id}/ship', 'post')).toEqual([{ bearerAuth: ['orders:fulfil'] }]);
  expect(security('/products', 'get')).toEqual([]);
  expect(security('/products/{id}', 'get')).toEqual([]);
  for (const { op } of operations()) {
    if (op.responses['401']) expect(op.responses['401'].headers['WWW-Authenticate'].required).toBe(true);
    if (op.responses['429']) expect(op.responses['429'].headers['Retry-After'].required).toBe(true);
    // Whatever needs a token can be refused for it; what needs none never is.
    expect(Boolean(op.responses['401'])).toBe(op.security.length > 0);
  }
});

it('serves Swagger UI at /docs from the npm package, with no external asset', async () => {
  const page = await fetch(`${sut.url}/docs`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/docs-page.js']));
  for (const asset of assets) {
    expect(asset).toMatch(/^\/docs\//);
    const res = await fetch(`${sut.url}${asset}`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  }
  expect(await (await fetch(`${sut.url}/docs/docs-page.js`)).text()).toContain('"/openapi.json"');
});

/** "METHOD /path" of every route registered on the Express app (Express 5 router layers). */
function expressRoutes(app: any): string[] {
  const walk = (stack: any[]): string[] =>
    stack.flatMap((layer) => {
      // Wildcard routes are middleware Nest mounts for every path ({/*splat}), not operations.
      if (layer.route?.path.includes('*')) return [];
      if (layer.route) {
        return Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${layer.route.path}`);
      }
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return [...new Set(walk(app.router.stack))];
}

describe('problem types', () => {
  const documentedTypes = (): string[] => doc.components.schemas.Problem.properties.type.enum;

  it('are one scheme: every type the document lists is https://orderly.dev/problems/<name>, none about:blank', () => {
    expect(documentedTypes().length).toBeGreaterThan(10);
    for (const type of documentedTypes()) expect(type).toMatch(/^https:\/\/orderly\.dev\/problems\/[a-z][a-z0-9-]*$/);
  });

  it('name their type in every problem response of every operation, from the listed ones', () => {
    const undocumented = operations().flatMap(({ path, method, op }) =>
      Object.entries(op.responses as Record<string, any>)
        .filter(([, response]) => response.content?.['application/problem+json'])
        .flatMap(([status, response]) => {
          const schema = response.content['application/problem+json'].schema;
          const variants: any[] = schema.anyOf ?? [schema];
          return variants.filter((v) => !documentedTypes().includes(v.properties?.type?.const)).map(() => `${method} ${path} ${status}`);
        }),
    );
    expect(undocumented).toEqual([]);
  });

  it('are each explained in docs/problem-types.md, and it explains no other', () => {
    const table = readFileSync(join(repositoryRoot, 'docs/problem-types.md'), 'utf8');
    const explained = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (\d{3}) \|/gm)].map((m) => `https://orderly.dev/problems/${m[1]}`);
    expect(explained.sort()).toEqual([...documentedTypes()].sort());
  });
});

it('declares no jsonSchemaDialect (Swagger UI shows a warning banner for it; 3.1 documents default to 2020-12 anyway)', () => {
  expect(doc).not.toHaveProperty('jsonSchemaDialect');
});

it('gives every request body an example that fits its schema (Swagger UI\'s "Try it out" starts from it)', () => {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const withBodies = operations().filter(({ op }) => op.requestBody);
  expect(withBodies.length).toBeGreaterThan(0);
  for (const { path, method, op } of withBodies) {
    const media = op.requestBody.content['application/json'];
    expect({ operation: `${method} ${path}`, example: media.example }).toEqual({ operation: `${method} ${path}`, example: expect.anything() });
    const validate = ajv.compile(JSON.parse(JSON.stringify({ ...media.schema, $defs: doc.components.schemas }).replaceAll('#/components/schemas/', '#/$defs/')));
    expect({ operation: `${method} ${path}`, errors: validate(media.example) ? null : validate.errors }).toEqual({ operation: `${method} ${path}`, errors: null });
  }
});
