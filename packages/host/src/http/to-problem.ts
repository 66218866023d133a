import { HttpException, HttpStatus } from '@nestjs/common';
import { ApplicationError, BusinessRuleViolation, InvalidInputError, isDatabaseUnavailable, type ApplicationErrorKind } from '@orderly/kernel';
import { STATUS_CODES } from 'node:http';
import { httpProblem, problemType, type HttpProblemName, type ProblemDetails } from './problem-details.js';

const STATUS_BY_KIND: Record<ApplicationErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  'precondition-failed': HttpStatus.PRECONDITION_FAILED,
  'precondition-required': HttpStatus.PRECONDITION_REQUIRED,
};

/** body-parser's error types, raised before a request reaches Nest. */
const BODY_ERRORS: Record<string, { problem: HttpProblemName; detail: (e: { limit?: number }) => string }> = {
  'entity.parse.failed': { problem: 'malformed-json', detail: () => 'The request body is not valid JSON.' },
  'entity.too.large': { problem: 'body-too-large', detail: (e) => `The request body exceeds the limit of ${e.limit ?? 'the configured'} bytes.` },
  'encoding.unsupported': { problem: 'unsupported-media-type', detail: () => 'Send the body uncompressed or gzip/deflate encoded.' },
  'charset.unsupported': { problem: 'unsupported-media-type', detail: () => 'Send JSON as UTF-8.' },
  'request.aborted': { problem: 'request-aborted', detail: () => 'The client aborted the request body.' },
  'request.size.invalid': { problem: 'request-aborted', detail: () => 'The body is shorter or longer than its Content-Length says.' },
};

/** apps/api's own problem for an HttpException Nest raised itself (e.g. 404 for an unknown route). */
const PROBLEM_BY_STATUS: Partial<Record<number, HttpProblemName>> = {
  400: 'invalid-request',
  404: 'not-found',
  405: 'method-not-allowed',
  408: 'request-timeout',
  413: 'body-too-large',
  415: 'unsupported-media-type',
  431: 'headers-too-large',
  500: 'internal-error',
};

/** Seconds a client should wait before retrying when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The database is down or restarting: nothing the client did, and worth retrying (with Retry-After). */
export const DATABASE_UNAVAILABLE: ProblemDetails = httpProblem(
  'database-unavailable',
  `The database cannot be reached right now; nothing was changed. Retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
);

/**
 * Turns anything thrown while serving a request into problem details: the one place problems are
 * built from errors. Only what a client caused is explained; anything else is a 500 with a
 * generic detail, never a stack trace or SQL.
 */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof ApplicationError) {
    return {
      // Every invalid input is the same problem to a client: fix the fields named in `errors`.
      type: problemType(error instanceof InvalidInputError ? 'invalid-request' : kebab(error.name)),
      title: error.title,
      status: STATUS_BY_KIND[error.kind],
      detail: error.message,
      ...error.details,
    };
  }
  if (error instanceof BusinessRuleViolation) {
    return {
      type: problemType(kebab(error.rule)),
      title: 'Business rule violated',
      status: error.kind === 'conflict' ? HttpStatus.CONFLICT : HttpStatus.UNPROCESSABLE_ENTITY,
      detail: error.message,
      ...error.details,
      rule: error.rule,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (isProblemDetails(response)) return response;
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
    const name = PROBLEM_BY_STATUS[status];
    if (name) return httpProblem(name, detail);
    // A status without an entry in HTTP_PROBLEMS: still one scheme, and the OpenAPI conformance
    // check fails until the type is added there (and so documented).
    const title = STATUS_CODES[status] ?? `HTTP ${status}`;
    return { type: problemType(title.toLowerCase().replace(/[^a-z0-9]+/g, '-')), title, status, detail };
  }
  if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE;
  const bodyError = typeof (error as { type?: unknown })?.type === 'string' ? BODY_ERRORS[(error as { type: string }).type] : undefined;
  if (bodyError) return httpProblem(bodyError.problem, bodyError.detail(error as { limit?: number }));
  return httpProblem('internal-error', 'The server failed to handle this request. It has been logged.');
}

function isProblemDetails(value: unknown): value is ProblemDetails {
  const candidate = value as Partial<ProblemDetails> | null;
  return (
    typeof candidate === 'object' && candidate !== null &&
    typeof candidate.type === 'string' && typeof candidate.title === 'string' &&
    typeof candidate.status === 'number' && typeof candidate.detail === 'string'
  );
}

/** InsufficientStock: insufficient-stock; NameMustBeOneTo200Characters: name-must-be-one-to-200-characters. */
function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([a-zA-Z])([0-9])/g, '$1-$2')
    .toLowerCase();
}
