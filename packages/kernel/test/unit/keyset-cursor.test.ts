import { bigintAsNumber, decodePageCursor, encodeKeysetCursor, InvalidCursor, keysetPage } from '../../src/index.js';
import { decodeKeysetCursor } from '../../src/pagination/keyset-cursor.js';

describe('keyset cursors', () => {
  const position = { at: new Date('2026-02-03T04:05:06.789Z'), id: '0b6f3a52-8d7e-4c1a-9f00-5e2d1c3b4a59' };

  it('round-trip a position exactly, milliseconds included', () => {
    expect(decodeKeysetCursor(encodeKeysetCursor(position))).toEqual(position);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a bad date', Buffer.from(`yesterday|${position.id}`).toString('base64url')],
    ['a non-uuid id', Buffer.from('2026-01-01T00:00:00.000Z|1; DROP TABLE x').toString('base64url')],
    ['an extra part', Buffer.from(`2026-01-01T00:00:00.000Z|${position.id}|x`).toString('base64url')],
    ['nothing', ''],
  ])('decode %s to null', (_what, cursor) => {
    expect(decodeKeysetCursor(cursor)).toBeNull();
  });
});

describe('keyset pages', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), id: `00000000-0000-4000-8000-00000000000${i}` }));
  const read = (after: { at: Date; id: string } | null) => async (count: number) =>
    rows.filter((r) => !after || r.at > after.at).slice(0, count);

  it('reads one row more than the page, and hands out the cursor of its last row only when more follow', async () => {
    const asked: number[] = [];
    const first = await keysetPage(2, (count) => (asked.push(count), read(null)(count)), (r) => r, (r) => r.id);
    expect(asked).toEqual([3]);
    expect(first.items).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(decodePageCursor(first.nextCursor!)).toEqual(rows[1]);
    const last = await keysetPage(3, read(decodePageCursor(first.nextCursor!)), (r) => r, (r) => r.id);
    expect(last).toEqual({ items: [rows[2]!.id, rows[3]!.id, rows[4]!.id], nextCursor: null });
  });

  it('refuses a cursor it did not hand out with InvalidCursor (a 400 naming the cursor)', () => {
    expect(() => decodePageCursor('not-a-cursor')).toThrow(InvalidCursor);
    expect(() => decodePageCursor('not-a-cursor')).toThrow('cursor is not one this API returned; start again without a cursor.');
  });
});

describe('bigintAsNumber', () => {
  it('reads pg bigint strings as numbers and keeps nulls', () => {
    expect(bigintAsNumber.from('1000000000000')).toBe(1_000_000_000_000);
    expect(bigintAsNumber.from(null)).toBeNull();
    expect(bigintAsNumber.to(42)).toBe(42);
  });
});
