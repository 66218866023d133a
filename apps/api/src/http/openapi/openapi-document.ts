import { NamedSchema, type ApiProblemDescription, type JsonSchema, type SchemaOrNamed } from '@orderly/kernel';
import { HTTP_PROBLEMS, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, problemType, type DiscoveredRoute, type HttpProblemName } from '@orderly/host';
import { objectSchema, propertiesOf, type ClassSchemaRegistry } from './class-schema.js';

export interface OpenApiDocument {
  readonly openapi: '3.1.1';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: readonly { readonly url: string }[];
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: { readonly schemas: Record<string, JsonSchema>; readonly securitySchemes: Record<string, unknown> };
}

/** The one security scheme: a bearer JWT access token from the configured issuer (docs/adr/0011). */
export const SECURITY_SCHEME = 'bearerAuth';
const SECURITY_SCHEMES = {
  [SECURITY_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An access token (JWT) from the identity provider the API is configured with - locally, `npm run token -- --email you@example.com`. ' +
      'Its `scope` claim says what it may do: orders:write, orders:read, orders:read:any (staff), catalog:write. Orders belong to its `sub`.',
  },
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/**
 * RFC 9457 members every problem has; each response narrows it with `unevaluatedProperties: false`.
 * `type` is one of the types the document lists (filled in by buildOpenApiDocument).
 */
function problemComponent(types: readonly string[]): JsonSchema {
  return {
    type: 'object',
    description: 'RFC 9457 problem details, served as application/problem+json.',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: {
        type: 'string',
        format: 'uri',
        enum: types,
        description: `Identifies the problem type: ${PROBLEM_TYPE_BASE} and a name. Every type this API answers with is listed here and explained in docs/problem-types.md.`,
      },
      title: { type: 'string', description: 'Short, stable summary of the problem type.' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string', description: 'What was wrong with this request, for a person to read.' },
      instance: { type: 'string', format: 'uri-reference' },
    },
  };
}

const FIELD_ERRORS_SCHEMA: JsonSchema = {
  type: 'array',
  description: 'One entry per broken constraint, with the path of the offending field (items[0].quantity).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['field', 'message'],
    properties: { field: { type: 'string' }, message: { type: 'string' } },
  },
};

/** A problem apps/api answers itself (HTTP_PROBLEMS), as an operation's response documents it. */
function ownProblem(name: HttpProblemName, extensions?: ApiProblemDescription['extensions']): ApiProblemDescription {
  const { title, description } = HTTP_PROBLEMS[name];
  return { type: name, title, description, ...(extensions ? { extensions } : {}) };
}

/** Problems apps/api itself answers, whatever the module: they follow from a route's inputs. */
const INVALID_INPUT = ownProblem('invalid-request', { errors: FIELD_ERRORS_SCHEMA });
const MALFORMED_JSON = ownProblem('malformed-json');
const TOO_LARGE = ownProblem('body-too-large');
const UNSUPPORTED_MEDIA = ownProblem('unsupported-media-type');
const DATABASE_UNAVAILABLE = ownProblem('database-unavailable');
const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
};

/** Problems every operation that needs a token can answer, and the rate limit of writes. */
const UNAUTHORIZED = ownProblem('unauthorized');
const INVALID_TOKEN = ownProblem('invalid-token');
const INSUFFICIENT_SCOPE = ownProblem('insufficient-scope');
const KEYS_UNAVAILABLE = ownProblem('identity-provider-unavailable');
const TOO_MANY_WRITES = ownProblem('too-many-requests');

const PROBLEM_HEADERS: Record<number, Record<string, { description: string; required: boolean; schema: JsonSchema }>> = {
  401: { 'WWW-Authenticate': { description: 'RFC 6750 challenge, e.g. Bearer realm="orderly", error="invalid_token"', required: true, schema: { type: 'string' } } },
  403: { 'WWW-Authenticate': { description: 'For a missing scope: Bearer error="insufficient_scope", scope="..."', required: false, schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds until writes are accepted again', required: true, schema: { type: 'integer', minimum: 0 } } },
  503: { 'Retry-After': { description: 'Seconds after which to retry', required: false, schema: { type: 'integer', minimum: 0 } } },
};

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

const DESCRIPTION = [
  'Orders, products and order confirmations. Money is in integer minor units (cents).',
  '',
  'Every error is `application/problem+json` (RFC 9457). A request that matches no route is answered with 404 (or 405 when',
  'the path exists with other methods), also as problem+json. A refused request changes nothing.',
  'Any request may also be answered 431 (URL and headers over 16 KiB) or 408 (not sent in time), as problem+json.',
  '',
  'Every problem `type` is `https://orderly.dev/problems/<name>`; the `Problem` schema lists every type this API answers',
  'with, and docs/problem-types.md in the repository explains each.',
  '',
  'Reading the catalog is public; everything else needs a bearer access token (see the security scheme and each',
  "operation's scopes). A customer sees only their own orders: another customer's order answers 404, like an unknown id.",
  'Writes are rate-limited per caller (429 with Retry-After).',
].join('\n');

/** The OpenAPI 3.1 document of the given routes; see @orderly/host's discoverRoutes for where routes come from. */
export function buildOpenApiDocument(routes: readonly DiscoveredRoute[], version: string): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Problem: problemComponent([]) };
  const named = new Map<string, unknown>();

  const resolve = (value: unknown): unknown => {
    if (value instanceof NamedSchema) {
      const seen = named.get(value.name);
      if (seen !== undefined && seen !== value.schema) throw new Error(`Two different schemas are both named ${value.name}`);
      if (seen === undefined) {
        named.set(value.name, value.schema);
        schemas[value.name] = resolve(value.schema) as JsonSchema;
      }
      return { $ref: `#/components/schemas/${value.name}` };
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const classes: ClassSchemaRegistry = {
    reference(target) {
      const existing = named.get(target.name);
      if (existing !== undefined && existing !== target) throw new Error(`Two different request classes are both named ${target.name}`);
      if (existing === undefined) {
        named.set(target.name, target);
        schemas[target.name] = objectSchema(target, classes);
      }
      return { $ref: `#/components/schemas/${target.name}` };
    },
  };

  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  // Every problem type the API answers: its own, and each one an operation declares.
  const problemTypes = new Set<string>(Object.keys(HTTP_PROBLEMS).map(problemType));
  for (const route of routes) {
    const tag = route.path.split('/')[1] || 'root';
    tags.add(tag);
    const { document, problems } = operation(route, tag, classes, resolve);
    (paths[route.path] ??= {})[route.method] = document;
    for (const problem of problems) problemTypes.add(problemType(problem.type));
  }
  schemas.Problem = problemComponent([...problemTypes].sort());
  return {
    openapi: '3.1.1',
    info: { title: 'Orderly API', version, description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

function operation(route: DiscoveredRoute, tag: string, classes: ClassSchemaRegistry, resolve: (v: unknown) => unknown) {
  const described = route.description;
  const parameters = [
    ...route.pathParams.map((p) => ({ name: p.name, in: 'path', required: true, schema: p.schema })),
    ...(route.query
      ? propertiesOf(route.query, classes).map((p) => ({ name: p.name, in: 'query', required: p.required, schema: p.schema }))
      : []),
    ...headerParameters(route),
  ];

  const problems = new Map<number, ApiProblemDescription[]>();
  const addProblem = (status: number, problem: ApiProblemDescription) => problems.set(status, [...(problems.get(status) ?? []), problem]);
  if (route.body || route.query || route.pathParams.length > 0) addProblem(400, INVALID_INPUT);
  if (route.body) {
    addProblem(400, MALFORMED_JSON);
    addProblem(413, TOO_LARGE);
    addProblem(415, UNSUPPORTED_MEDIA);
  }
  const secured = route.access !== undefined && !route.access.public;
  if (secured) {
    addProblem(401, UNAUTHORIZED);
    addProblem(401, INVALID_TOKEN);
    addProblem(403, INSUFFICIENT_SCOPE);
    addProblem(503, KEYS_UNAVAILABLE);
  }
  if (WRITE_METHODS.has(route.method)) addProblem(429, TOO_MANY_WRITES);
  for (const [status, list] of described.problems) for (const problem of list) addProblem(status, problem);
  // Every operation but the probes (which answer their own status) needs the database.
  if (!route.path.startsWith('/health/')) addProblem(503, DATABASE_UNAVAILABLE);

  const responses: Record<string, unknown> = {};
  const successes = new Map(described.responses);
  if (!successes.has(route.status)) successes.set(route.status, { description: 'UNDOCUMENTED: declare it with @ApiResponse' });
  for (const [status, response] of [...successes].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: response.description,
      ...(response.headers
        ? {
            headers: Object.fromEntries(
              response.headers.map((h) => [h.name, { description: h.description, required: h.required ?? false, schema: h.schema }]),
            ),
          }
        : {}),
      ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: resolve(response.schema) } } } : {}),
    };
  }
  for (const [status, list] of [...problems].sort(([a], [b]) => a - b)) {
    const variants = list.map((problem) => problemSchema(status, problem, resolve));
    responses[status] = {
      description: list.map((p) => p.description).join('; or: '),
      ...(PROBLEM_HEADERS[status] || list.includes(DATABASE_UNAVAILABLE) ? { headers: { ...PROBLEM_HEADERS[status], ...(list.includes(DATABASE_UNAVAILABLE) ? RETRY_AFTER_HEADER : {}) } } : {}),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: variants.length === 1 ? variants[0] : { anyOf: variants } } },
    };
  }

  const document = {
    operationId: `${tag}_${route.handlerName}`,
    tags: [tag],
    summary: described.operation?.summary ?? 'UNDOCUMENTED: declare it with @ApiOperation',
    ...(described.operation?.description ? { description: described.operation.description } : {}),
    // One alternative per accepted scope (any of them will do); [] says: no token needed.
    security: secured && route.access && !route.access.public ? route.access.anyOfScopes.map((scope) => ({ [SECURITY_SCHEME]: [scope] })) : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: classes.reference(route.body),
                ...(described.operation?.requestExample === undefined ? {} : { example: described.operation.requestExample }),
              },
            },
          },
        }
      : {}),
    responses,
  };
  return { document, problems: [...problems.values()].flat() };
}

function problemSchema(status: number, problem: ApiProblemDescription, resolve: (v: unknown) => unknown): JsonSchema {
  const extensions = Object.entries(problem.extensions ?? {});
  // A problem's extension members are always present, except the per-field errors of a 400
  // (malformed JSON and malformed path parameters have none).
  const required = problem === INVALID_INPUT ? [] : extensions.map(([name]) => name);
  return {
    allOf: [PROBLEM_REF],
    properties: {
      type: { const: problemType(problem.type) },
      status: { const: status },
      ...(problem.title ? { title: { const: problem.title } } : {}),
      ...Object.fromEntries(extensions.map(([name, schema]) => [name, resolve(schema as SchemaOrNamed)])),
    },
    ...(required.length > 0 ? { required } : {}),
    unevaluatedProperties: false,
  };
}

function headerParameters(route: DiscoveredRoute) {
  const described = route.description.headers.map((h) => ({
    name: h.name,
    in: 'header',
    required: h.required ?? false,
    description: h.description,
    schema: h.schema,
  }));
  const known = new Set(described.map((h) => h.name.toLowerCase()));
  const read = route.headers
    .filter((name) => !known.has(name.toLowerCase()))
    .map((name) => ({ name, in: 'header', required: false, schema: { type: 'string' } }));
  return [...described, ...read];
}
