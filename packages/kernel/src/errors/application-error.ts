/**
 * Errors a module raises for a client to act on. The HTTP layer in apps/api maps `kind` to a
 * status code and renders problem+json; modules never know about HTTP.
 */
export type ApplicationErrorKind =
  | 'invalid'
  /** The caller may not do this to this object (e.g. place an order for someone else). */
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unprocessable'
  /** A condition the client sent (If-Match) does not hold any more. */
  | 'precondition-failed'
  /** The operation is only done conditionally and the client sent no condition. */
  | 'precondition-required';

export abstract class ApplicationError extends Error {
  abstract readonly kind: ApplicationErrorKind;
  /** A short, stable, human-readable title for the problem type, e.g. "Insufficient stock". */
  abstract readonly title: string;
  /** Extra members for the problem document (e.g. the unknown product ids). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class NotFoundError extends ApplicationError {
  readonly kind = 'not-found' as const;
  readonly title: string;

  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist.`, {});
    this.title = `${what} not found`;
  }
}

export class InvalidInputError extends ApplicationError {
  readonly kind = 'invalid' as const;
  readonly title = 'Invalid request';
}
