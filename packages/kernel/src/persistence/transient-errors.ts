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
