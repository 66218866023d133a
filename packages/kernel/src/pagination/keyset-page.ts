import { InvalidInputError } from '../errors/application-error.js';
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from './keyset-cursor.js';

/** How many items a list answers when the request names no limit, and the most it may name. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A cursor this API did not hand out (400): the client starts again without one. */
export class InvalidCursor extends InvalidInputError {
  constructor() {
    super('cursor is not one this API returned; start again without a cursor.', {
      errors: [{ field: 'cursor', message: 'cursor is malformed' }],
    });
  }
}

/** The position a cursor stands for; throws InvalidCursor for one this API did not hand out. */
export function decodePageCursor(cursor: string): KeysetPosition {
  const position = decodeKeysetCursor(cursor);
  if (!position) throw new InvalidCursor();
  return position;
}

export interface Page<TItem> {
  readonly items: TItem[];
  readonly nextCursor: string | null;
}

/**
 * One page of a keyset-paginated list: reads one row more than the page holds, to know whether
 * another page follows, and hands out the cursor of the page's last row.
 */
export async function keysetPage<TRow, TItem>(
  limit: number,
  read: (rows: number) => Promise<readonly TRow[]>,
  positionOf: (row: TRow) => KeysetPosition,
  present: (row: TRow) => TItem,
): Promise<Page<TItem>> {
  const rows = await read(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(present), nextCursor: rows.length > limit && last ? encodeKeysetCursor(positionOf(last)) : null };
}
