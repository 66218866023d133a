import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Up to 128 characters that are safe in a header, a log line and a SQL text column. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:+=/-]{1,128}$/;

/**
 * The id of a request: the caller's X-Request-Id when it is a sane value (so a gateway's id
 * follows the request through our logs and events), otherwise a fresh UUID. Anything longer or
 * with other characters is replaced rather than trusted: it would end up in logs and headers.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  return candidate !== undefined && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
