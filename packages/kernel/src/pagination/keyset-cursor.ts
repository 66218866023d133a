/**
 * An opaque cursor for keyset pagination over (timestamp, uuid): stable however many rows share
 * a timestamp, and cheap with an index on the pair. Clients treat it as a token; a cursor this API
 * did not hand out decodes to null, which callers answer with a 400.
 */
export interface KeysetPosition {
  readonly at: Date;
  readonly id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, 'utf8').toString('base64url');
}

export function decodeKeysetCursor(cursor: string): KeysetPosition | null {
  const [iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(at.getTime())) return null;
  return { at, id };
}
