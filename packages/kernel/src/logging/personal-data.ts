/**
 * What must never reach a log line or a stored error in clear: e-mail addresses and bearer tokens
 * (docs/adr/0011). Applied where text that may carry them is written: request URLs, relay errors
 * (`last_error` and their log lines), the log e-mail transport.
 */

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
/** A JWT (three base64url parts, the first a JSON header: "eyJ"), wherever it appears. */
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;

/** ada@example.com -> a***@example.com: enough to tell addresses apart in a log, not to use one. */
export function maskEmail(address: string): string {
  return address.replace(EMAIL, '$1***@$2');
}

/** The text with every e-mail address masked and every token replaced. */
export function maskPersonalData(text: string): string {
  return text.replace(JWT, '[token]').replace(BEARER, '$1[token]').replace(EMAIL, '$1***@$2');
}
