import { HttpException, HttpStatus } from '@nestjs/common';
import { ApplicationError, BusinessRuleViolation, isDatabaseUnavailable, type ApplicationErrorKind } from '@orderly/kernel';
import { STATUS_CODES } from 'node:http';
import { problemType, type ProblemDetails } from './problem-details.js';

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
const BODY_ERRORS: Record<string, { status: number; title: string; detail: (e: { limit?: number }) => string }> = {
  'entity.parse.failed': { status: 400, title: 'Malformed JSON', detail: () => 'The request body is not valid JSON.' },
  'entity.too.large': {
    status: 413,
    title: 'Request body too large',
    detail: (e) => `The request body exceeds the limit of ${e.limit ?? 'the configured'} bytes.`,
  },
  'encoding.unsupported': { status: 415, title: 'Unsupported content encoding', detail: () => 'Send the body uncompressed or gzip/deflate encoded.' },
  'charset.unsupported': { status: 415, title: 'Unsupported charset', detail: () => 'Send JSON as UTF-8.' },
  'request.aborted': { status: 400, title: 'Request aborted', detail: () => 'The client aborted the request body.' },
};

/** Seconds a client should wait before retrying when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The database is down or restarting: nothing the client did, and worth retrying (with Retry-After). */
export const DATABASE_UNAVAILABLE: ProblemDetails = {
  type: problemType('database-unavailable'),
  title: 'Database unavailable',
  status: HttpStatus.SERVICE_UNAVAILABLE,
  detail: `The database cannot be reached right now; nothing was changed. Retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
};

/**
 * Turns anything thrown while serving a request into problem details. Only what a client caused
 * is explained; anything else is a 500 with a generic detail, never a stack trace or SQL.
 */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof ApplicationError) {
    return {
      type: problemType(kebab(error.name)),
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
    return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
  }
  if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE;
  const bodyError = typeof (error as { type?: unknown })?.type === 'string' ? BODY_ERRORS[(error as { type: string }).type] : undefined;
  if (bodyError) {
    return { type: 'about:blank', title: bodyError.title, status: bodyError.status, detail: bodyError.detail(error as { limit?: number }) };
  }
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: 'The server failed to handle this request. It has been logged.',
  };
}

function isProblemDetails(value: unknown): value is ProblemDetails {
  const candidate = value as Partial<ProblemDetails> | null;
  return (
    typeof candidate === 'object' && candidate !== null &&
    typeof candidate.type === 'string' && typeof candidate.title === 'string' &&
    typeof candidate.status === 'number' && typeof candidate.detail === 'string'
  );
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
