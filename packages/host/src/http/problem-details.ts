import { HttpException } from '@nestjs/common';

/**
 * RFC 9457 problem details: every error this API returns has this shape, served as
 * application/problem+json. Extension members (errors, unknownProductIds, ...) say exactly what
 * was wrong so a client can act on it.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The one problem-type scheme: every `type` is this base plus a kebab-case name. Module problems
 * are named after their error class or broken business rule (insufficient-stock); the problems
 * apps/api answers itself are listed in HTTP_PROBLEMS. The OpenAPI document lists every type the
 * API answers (the `Problem` schema's `type` enum) and docs/problem-types.md explains each.
 */
export const PROBLEM_TYPE_BASE = 'https://orderly.dev/problems/';

export function problemType(name: string): string {
  return `${PROBLEM_TYPE_BASE}${name}`;
}

export interface HttpProblemKind {
  readonly status: number;
  readonly title: string;
  /** When the API answers with it, for the OpenAPI document. */
  readonly description: string;
}

/** Problems apps/api answers itself, whatever the module: they follow from HTTP, not from a use case. */
export const HTTP_PROBLEMS = {
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    description: 'A field, query or path parameter breaks its constraints, a field is unknown, or the body is not a JSON object',
  },
  'malformed-json': { status: 400, title: 'Malformed JSON', description: 'The body is not valid JSON' },
  'malformed-request': { status: 400, title: 'Malformed request', description: 'The request is not valid HTTP/1.1' },
  'request-aborted': { status: 400, title: 'Request aborted', description: 'The client stopped sending the body before its end' },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    description: 'No access token: this operation needs Authorization: Bearer <token> (see WWW-Authenticate)',
  },
  'invalid-token': {
    status: 401,
    title: 'Invalid access token',
    description: 'The access token is not valid here (expired, wrong issuer or audience, bad signature or algorithm); see WWW-Authenticate',
  },
  'insufficient-scope': {
    status: 403,
    title: 'Insufficient scope',
    description: 'The access token lacks the scope this operation needs (WWW-Authenticate says which)',
  },
  'not-found': { status: 404, title: 'Not found', description: 'No route serves this path' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', description: 'The path exists, but not with this method (see Allow)' },
  'request-timeout': { status: 408, title: 'Request timeout', description: 'The request was not sent in time' },
  'body-too-large': { status: 413, title: 'Request body too large', description: 'The body exceeds the size limit (64 KiB by default)' },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    description: 'The body is not JSON in UTF-8 (content type, charset or encoding not supported)',
  },
  'headers-too-large': {
    status: 431,
    title: 'Request header fields too large',
    description: 'The request line (URL) and headers together exceed the server limit (16 KiB)',
  },
  'too-many-requests': {
    status: 429,
    title: 'Too many requests',
    description: 'Too many writes from this caller in the current window; retry after `Retry-After` seconds',
  },
  'internal-error': { status: 500, title: 'Internal server error', description: 'The server failed; the failure is logged, never explained to the client' },
  'database-unavailable': {
    status: 503,
    title: 'Database unavailable',
    description: 'The database cannot be reached right now (down or restarting); nothing was changed. Retry after `Retry-After` seconds',
  },
  'identity-provider-unavailable': {
    status: 503,
    title: 'Identity provider unavailable',
    description: "The identity provider's signing keys could not be fetched to check the token; retry after `Retry-After` seconds",
  },
  'not-ready': { status: 503, title: 'Not ready', description: 'A readiness check fails (see `failing`)' },
} as const satisfies Record<string, HttpProblemKind>;

export type HttpProblemName = keyof typeof HTTP_PROBLEMS;

/** The problem document of one of apps/api's own problems. */
export function httpProblem(name: HttpProblemName, detail: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  const { status, title } = HTTP_PROBLEMS[name];
  return { type: problemType(name), title, status, detail, ...extensions };
}

/** Throws a problem through Nest's exception filter (it is rendered exactly as given). */
export class ProblemException extends HttpException {
  constructor(readonly problem: ProblemDetails) {
    super(problem, problem.status);
  }
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}
