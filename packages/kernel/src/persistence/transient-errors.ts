/**
 * PostgreSQL errors that mean "try the same transaction again": serialization failures and
 * deadlocks. Any other error is a real answer and must not be retried blindly.
 */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

/**
 * An optimistic version check failed: someone changed the aggregate between our read and our
 * write. The unit of work retries the whole transaction, which then reads the new version.
 */
export class ConcurrencyConflict extends Error {
  constructor(what: string) {
    super(`${what} was changed concurrently`);
    this.name = 'ConcurrencyConflict';
  }
}

export function isRetryableTransactionError(error: unknown): boolean {
  if (error instanceof ConcurrencyConflict) return true;
  const code = sqlState(error);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}

export const UNIQUE_VIOLATION = '23505';

// Connection exceptions (class 08), the server shutting down or starting up, too many clients,
// a session ended for sitting idle in a transaction (a frozen process that woke up: 25P03).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300|25P03)$/;
// Socket errors of a server that is down or unreachable.
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres' own words for a connection that broke or could not be had in time.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
];

/**
 * The database cannot be reached right now (down, restarting, unreachable, out of connections):
 * worth retrying later, unlike an answer the database gave. Looks through TypeORM's driverError,
 * `cause` and AggregateError's `errors`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((words) => message.includes(words))) return true;
  const nested = [driverError, cause, ...(Array.isArray(errors) ? errors : [])];
  return nested.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
