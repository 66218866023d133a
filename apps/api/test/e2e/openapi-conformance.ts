// Checks an HTTP answer against the app's own OpenAPI document: the status must be documented for
// the operation, the content type must be one the document lists, and the body must validate
// against its schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). The e2e harness runs this
// on every response of every e2e test, so the document cannot drift from what the code answers.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export under `default` when imported from ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

type Schema = Record<string, unknown>;

interface MediaType {
  readonly schema?: Schema;
}
interface ResponseObject {
  readonly content?: Record<string, MediaType>;
  readonly headers?: Record<string, { readonly required?: boolean }>;
}
interface Operation {
  readonly responses: Record<string, ResponseObject>;
  /** Empty or absent: no token needed; otherwise alternatives of {scheme: scopes}. */
  readonly security?: readonly Record<string, readonly string[]>[];
}
export interface OpenApiDocumentLike {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

export interface AnswerToCheck {
  readonly method: string;
  /** Path with or without a query string, e.g. /products?limit=2 */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, the text when not JSON, or null when empty. */
  readonly body: unknown;
  /** Whether the request carried a body (it is parsed before routing, so may be refused first). */
  readonly sentBody?: boolean;
  /** Whether the request carried an Authorization header. */
  readonly sentToken?: boolean;
}

const PROBLEM_TYPE = 'application/problem+json';

/**
 * Answers any request may get before it reaches an operation, whatever the path (the document's
 * description says so): the URL and headers over the server's limit (431), not sent in time (408).
 */
const ANY_REQUEST_STATUSES = [408, 431];

export class OpenApiConformance {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { readonly template: string; readonly pattern: RegExp; readonly params: number }[];

  constructor(private readonly document: OpenApiDocumentLike) {
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
    addFormats(this.ajv);
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // a literal segment wins over a parameter (/orders/stats before /orders/{id})
      .sort((a, b) => a.params - b.params);
  }

  static async load(baseUrl: string): Promise<OpenApiConformance> {
    const response = await fetch(`${baseUrl}/openapi.json`);
    if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
    return new OpenApiConformance((await response.json()) as OpenApiDocumentLike);
  }

  /** What is wrong with the answer, as sentences; empty when it matches the document. */
  check(answer: AnswerToCheck): string[] {
    const method = answer.method.toLowerCase();
    // The path as fetch sent it (dot segments resolved), decoded, with the trailing slash that
    // Express's non-strict routing ignores removed.
    const path = decodeURI(new URL(answer.path, 'http://localhost').pathname).replace(/(.)\/$/, '$1');
    const where = `${answer.method.toUpperCase()} ${answer.path} -> ${answer.status}`;
    if (ANY_REQUEST_STATUSES.includes(answer.status)) return this.checkProblem(where, answer);
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route ? this.document.paths[route.template]?.[method] : undefined;
    if (!route || !operation) return this.checkUnrouted(where, answer, route !== undefined);

    const key = String(answer.status);
    const documented = operation.responses[key] ?? operation.responses[`${key[0]}XX`] ?? operation.responses.default;
    if (!documented) {
      return [`${where}: status ${answer.status} is not documented for ${method.toUpperCase()} ${route.template} (documented: ${Object.keys(operation.responses).join(', ')})`];
    }
    const problems: string[] = [];
    if ((operation.security?.length ?? 0) > 0 && answer.status < 400 && answer.sentToken === false) {
      problems.push(`${where}: the document says this operation needs a token, yet it succeeded without one`);
    }
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && !answer.headers.has(name)) problems.push(`${where}: required header ${name} is missing`);
    }
    if (!documented.content) {
      if (answer.body !== null && answer.body !== '') problems.push(`${where}: the document says no body, but one was sent`);
      return problems;
    }
    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = documented.content[contentType];
    if (!media) {
      return [...problems, `${where}: content type "${contentType}" is not documented (documented: ${Object.keys(documented.content).join(', ')})`];
    }
    if (media.schema && /json$/.test(contentType)) {
      const pointer = `${route.template} ${method} ${key} ${contentType}`;
      problems.push(...this.validate(where, pointer, media.schema, answer.body));
    }
    return problems;
  }

  /** Throws with every mismatch; used by the e2e `http()` helper. */
  assert(answer: AnswerToCheck): void {
    const problems = this.check(answer);
    if (problems.length > 0) throw new Error(`The answer does not match /openapi.json:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(answer.body)}`);
  }

  /**
   * A request no operation serves: 404 (unknown path), or 404/405 when the path exists with
   * other methods, always as a problem document. A body is parsed before routing, so a request
   * with one may also be refused for it (400 malformed, 413 too large, 415 unsupported).
   */
  private checkUnrouted(where: string, answer: AnswerToCheck, pathExists: boolean): string[] {
    const allowed = [404, ...(pathExists ? [405] : []), ...(answer.sentBody ? [400, 413, 415] : [])];
    if (!allowed.includes(answer.status)) {
      return [`${where}: no operation in the document serves this request, so only ${allowed.join(' or ')} may answer it`];
    }
    return this.checkProblem(where, answer);
  }

  /** A problem document with the answer's status, of a type the document lists. */
  private checkProblem(where: string, answer: AnswerToCheck): string[] {
    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (contentType !== PROBLEM_TYPE) return [`${where}: content type "${contentType}" is not ${PROBLEM_TYPE}`];
    const schema = { allOf: [{ $ref: '#/components/schemas/Problem' }], properties: { status: { const: answer.status } }, unevaluatedProperties: false };
    return this.validate(where, `unrouted ${answer.status}`, schema, answer.body);
  }

  private validate(where: string, cacheKey: string, schema: Schema, body: unknown): string[] {
    let validate = this.validators.get(cacheKey);
    if (!validate) {
      // The document's "#/components/schemas/X" references, resolved inside one standalone schema.
      const standalone = rewriteRefs({ ...schema, $defs: this.document.components?.schemas ?? {} }) as Schema;
      validate = this.ajv.compile(standalone);
      this.validators.set(cacheKey, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : rewriteRefs(v)]),
    );
  }
  return value;
}
