import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CUSTOMER_SCOPES, STAFF_SCOPES, type TokenRequest } from '@orderly/host';

export const TOKEN_USAGE = `Usage: npm run -s token -- --email ada@example.com [--sub ID] [--scope "orders:write orders:read"] [--ttl 1h] [--staff]

Prints an access token signed by the development issuer (key in DATA_DIR/identity), nothing else.
  --email   the customer's e-mail address (the token's email claim)
  --sub     the subject orders belong to (default: derived from --email, the same every time)
  --scope   space-separated scopes (default: "${CUSTOMER_SCOPES.join(' ')}")
  --staff   adds "${STAFF_SCOPES.join(' ')}"
  --ttl     lifetime: 90s, 30m, 1h (default), 7d; at most 30d`;

export class TokenUsageError extends Error {}

const TTL = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What `npm run token -- ...` asks for; throws TokenUsageError saying what is wrong. */
export function tokenRequestFrom(args: readonly string[]): TokenRequest {
  let values: { email?: string; sub?: string; scope?: string; ttl?: string; staff?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { email: { type: 'string' }, sub: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string' }, staff: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new TokenUsageError((error as Error).message);
  }
  if (!values.email || !EMAIL.test(values.email)) throw new TokenUsageError('--email must be an e-mail address, e.g. --email ada@example.com');
  const ttl = TTL.exec(values.ttl ?? '1h');
  const ttlSeconds = ttl ? Number(ttl[1]) * UNIT_SECONDS[ttl[2]!]! : NaN;
  if (!(ttlSeconds >= 1 && ttlSeconds <= 30 * 86_400)) throw new TokenUsageError(`--ttl "${values.ttl}" must be a number with s, m, h or d, from 1s to 30d`);
  const scopes = values.scope !== undefined ? values.scope.split(' ').filter(Boolean) : [...CUSTOMER_SCOPES];
  if (values.staff) scopes.push(...STAFF_SCOPES.filter((s) => !scopes.includes(s)));
  if (values.sub === '') throw new TokenUsageError('--sub must not be empty');
  return { subject: values.sub ?? developmentSubject(values.email), email: values.email, scopes, ttlSeconds };
}

/** A stable subject for an e-mail address, so tokens minted again for it see the same orders. */
export function developmentSubject(email: string): string {
  return `dev-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 24)}`;
}
