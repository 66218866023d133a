// Property-based fuzzing of every operation in /openapi.json: bodies, query strings and path
// parameters, from values that almost fit the documented schema to plain garbage, sent with
// valid tokens (staff, or the customer the body names), no token, or a broken one. Whatever is
// sent: never a 5xx, every answer matches the document (so every 4xx is problem+json), and a
// refused request leaves every table of every module exactly as it was.
import { eventually } from '@orderly/testing';
import fc from 'fast-check';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

/**
 * Runs per operation: the whole file stays well under a minute on two shared cores. Hunting for
 * bugs by hand: ORDERLY_FUZZ_RUNS=1000 node ../../scripts/jest.mjs test/e2e/fuzz.e2e.test.ts
 */
const RUNS_PER_OPERATION = Number(process.env.ORDERLY_FUZZ_RUNS ?? 40);

type Schema = Record<string, any>;
interface OperationUnderFuzz {
  readonly method: string;
  readonly template: string;
  readonly parameters: readonly { name: string; in: string; required: boolean; schema: Schema }[];
  readonly body?: Schema;
}

// Started before the tests are collected: the operations to fuzz come from the document.
const sut: OrderlyUnderTest = await startOrderlyForTest();
const doc = (await (await fetch(`${sut.url}/openapi.json`)).json()) as {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
};
const known = { uuids: [] as string[] };

beforeAll(async () => {
  for (const sku of ['FUZZ-A', 'FUZZ-B']) {
    known.uuids.push((await http(sut.url, 'POST', '/products', { sku, name: sku, unitPrice: 250, stock: 1_000_000 }, sut.staff)).body.id);
  }
  const order = await http(sut.url, 'POST', '/orders', { customerEmail: 'fuzz@example.com', items: [{ productId: known.uuids[0], quantity: 1 }] }, sut.customer('fuzz@example.com'));
  known.uuids.push(order.body.id);
  await settled();
});
afterAll(async () => {
  await sut?.stop();
});

it('fuzzes every operation the document lists', () => {
  expect(operations().map((o) => `${o.method} ${o.template}`)).toEqual(
    expect.arrayContaining(['GET /notifications', 'GET /orders/{id}', 'POST /orders', 'GET /products', 'POST /products', 'GET /products/{id}', 'POST /products/{id}/restock']),
  );
});

describe.each(operations().map((o) => [`${o.method} ${o.template}`, o] as const))('%s', (_name, operation) => {
  it('never answers 5xx, answers as documented, and changes nothing when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(requestFor(operation), async (request) => {
        const before = await snapshot();
        const answer = await http(sut.url, operation.method, request.path, request.body, request.headers);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(answer.body.status).toBe(answer.status);
          expect(await snapshot()).toEqual(before);
        } else {
          await settled();
        }
      }),
      { numRuns: RUNS_PER_OPERATION },
    );
  });
});

it('answers any path as documented (a problem+json 404 where no operation serves it), never 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('GET', 'POST'), fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), async (method, segments) => {
      const answer = await http(sut.url, method, `/${segments.map(encodeURIComponent).join('/')}`);
      expect(answer.status).toBeLessThan(500);
    }),
    { numRuns: RUNS_PER_OPERATION },
  );
});

it('answers URLs and headers of any size as documented (431 problem+json over the limit), never 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...operations()), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 40_000 }), async (operation, urlPadding, headerPadding) => {
      const path = operation.template.replace(/\{[^}]+\}/g, known.uuids[0]!);
      const answer = await http(sut.url, operation.method, `${path}?padding=${'p'.repeat(urlPadding)}`, undefined, { 'x-padding': 'h'.repeat(headerPadding) });
      expect(answer.status).toBeLessThan(500);
      if (urlPadding + headerPadding > 16_384) expect(answer).toMatchObject({ status: 431, body: { type: 'https://orderly.dev/problems/headers-too-large' } });
    }),
    { numRuns: RUNS_PER_OPERATION },
  );
});

function operations(): OperationUnderFuzz[] {
  return Object.entries(doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

interface FuzzRequest {
  readonly path: string;
  readonly body?: unknown;
  readonly headers: Record<string, string>;
}

function requestFor(operation: OperationUnderFuzz): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const path = fc.tuple(...pathParams.map((p) => pathValue(p.schema))).map((values) =>
    pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(values[i]!)), operation.template),
  );
  const query = fc
    .tuple(
      ...queryParams.map((p) => (p.required ? queryValue(p.schema) : fc.option(queryValue(p.schema), { nil: undefined }))),
      fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })), { freq: 4, nil: undefined }),
    )
    .map((values) => {
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const value = values[i] as string | string[] | undefined;
        for (const v of value === undefined ? [] : [value].flat()) search.append(p.name, v);
      });
      const unknown = values[queryParams.length] as [string, string] | undefined;
      if (unknown) search.append(unknown[0], unknown[1]);
      const text = search.toString();
      return text ? `?${text}` : '';
    });
  const body = operation.body ? bodyValue(operation.body) : fc.constant(undefined);
  return fc.record({ path, query, body, caller }).map(({ path, query, body, caller }) => ({
    path: path + query,
    body: body?.raw ?? body?.json,
    headers: { ...(body?.contentType ? { 'content-type': body.contentType } : {}), ...authorization(caller, body?.json) },
  }));
}

/** Who sends it: mostly valid tokens, so requests get past the access check and reach the use cases. */
const caller = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'staff' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'customer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'anonymous' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('Bearer', 'Bearer ', 'Bearer a.b.c', 'Bearer ====', 'Basic YWRhOnNlY3JldA==', `Bearer ${sut.issuer.token({ expiresIn: -600 })}`, `Bearer ${sut.issuer.token({}, 'none')}`)
      .map((header) => ({ kind: 'broken' as const, header })),
  },
);

function authorization(who: { kind: 'staff' | 'customer' | 'anonymous' } | { kind: 'broken'; header: string }, body: unknown): Record<string, string> {
  switch (who.kind) {
    case 'staff':
      return sut.staff;
    case 'customer': {
      // The customer the order names, so that a well-formed order can be placed.
      const named = (body as { customerEmail?: unknown } | null)?.customerEmail;
      return sut.customer(typeof named === 'string' && named !== '' ? named : 'fuzz@example.com');
    }
    case 'anonymous':
      return {};
    case 'broken':
      return { authorization: who.header };
  }
}

// well-formed Unicode: a lone surrogate cannot be put in a URL at all
const garbageString = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('', ' ', '%', '..', '0', '-1', 'null', '1e309', 'NaN'));

/** A value as it would appear in a URL (JSON for objects: fast-check makes null-prototype ones). */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

function pathValue(schema: Schema): fc.Arbitrary<string> {
  return fc.oneof(valueFor(schema).map(asText), garbageString.filter((s) => s.length > 0));
}

function queryValue(schema: Schema): fc.Arbitrary<string | string[]> {
  return fc.oneof(
    { weight: 3, arbitrary: valueFor(schema).map(asText) },
    { weight: 2, arbitrary: garbageString },
    { weight: 1, arbitrary: fc.array(valueFor(schema).map(asText), { minLength: 2, maxLength: 3 }) },
  );
}

interface FuzzBody {
  readonly json?: unknown;
  readonly raw?: string;
  readonly contentType?: string;
}

function bodyValue(schema: Schema): fc.Arbitrary<FuzzBody> {
  return fc.oneof(
    { weight: 6, arbitrary: valueFor(schema).map((json) => ({ json })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })) },
    // any JSON at all as the body: null, a number, a string, an array
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.double(), fc.string(), fc.array(fc.jsonValue({ maxDepth: 1 }))).map((json) => ({ raw: JSON.stringify(json) ?? 'null', contentType: 'application/json' })) },
    // nesting deeper than any request needs, anywhere in an otherwise fitting body, up to the body limit
    { weight: 2, arbitrary: fc.tuple(valueFor(schema), deepJson()).map(([json, deep]) => ({ raw: nestInside(json, deep), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((raw) => ({ raw: raw || '{', contentType: 'application/json' })) },
    { weight: 1, arbitrary: valueFor(schema).map((json) => ({ raw: JSON.stringify(json), contentType: 'text/plain' })) },
  );
}

/** Arrays, objects or both nested 33 to 30,000 deep: the size of a body at the default 64 KiB limit. */
function deepJson(): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 33, max: 30_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['[{"a":', '}]']), fc.constantFrom('', '1', 'null', '"x"')).map(
    ([depth, [open, close], leaf]) => {
      const levels = Math.max(1, Math.floor(depth / (open === '[{"a":' ? 2 : 1)));
      const fits = Math.floor(60_000 / (open.length + close.length));
      const n = Math.min(levels, fits);
      return open.repeat(n) + (open === '[' ? '' : leaf || '1') + close.repeat(n);
    },
  );
}

/** The fitting value's JSON with one of its members (or the whole, when it has none) replaced by `deep`. */
function nestInside(json: unknown, deep: string): string {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || Object.keys(json).length === 0) return deep;
  const key = Object.keys(json)[0]!;
  return JSON.stringify({ ...json, [key]: '__DEEP__' }).replace('"__DEEP__"', deep);
}

/** Values that fit the schema most of the time and break one of its constraints otherwise. */
function valueFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return valueFor(doc.components.schemas[schema.$ref.split('/').pop()!]!, depth);
  const fitting = fittingValue(schema, depth);
  return fc.oneof({ weight: 4, arbitrary: fitting }, { weight: 1, arbitrary: breaking(schema) });
}

function fittingValue(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      // ids in any letter case are the same id
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...known.uuids), fc.constantFrom(...known.uuids).map((id) => id.toUpperCase()), fc.uuid());
      if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) }),
        // any UTF-16 code unit: control characters, U+0000, lone surrogates
        fc.string({ unit: 'binary', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) }),
      );
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, valueFor(s as Schema, depth + 1)]));
      return fc.record(properties, { requiredKeys: schema.required ?? [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function breaking(_schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, '', 'x'.repeat(300), [], {}, '\u0000', '1'),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.integer(),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/** Every row of every table of every module (schemas, outbox, inbox, migrations). */
async function snapshot(): Promise<Record<string, string>> {
  const { rows: tables } = await sut.db.query(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  const { rows } = await sut.db.query(
    tables.map((t) => `SELECT '${t.name}' AS name, count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') AS digest FROM ${t.name} x`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

/** After an accepted request, wait until its events are delivered, so the next snapshot is stable. */
async function settled(): Promise<void> {
  const { rows: outboxes } = await sut.db.query(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables WHERE table_name = 'outbox'`,
  );
  await eventually(async () => {
    const { rows } = await sut.db.query(outboxes.map((o) => `SELECT count(*)::int AS n FROM ${o.name} WHERE status = 'pending'`).join(' UNION ALL '));
    return rows.every((r) => r.n === 0) ? true : undefined;
  });
}
