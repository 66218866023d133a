import { bigintAsNumber, decodeKeysetCursor, encodeKeysetCursor } from '../../src/index.js';

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

describe('bigintAsNumber', () => {
  it('reads pg bigint strings as numbers and keeps nulls', () => {
    expect(bigintAsNumber.from('1000000000000')).toBe(1_000_000_000_000);
    expect(bigintAsNumber.from(null)).toBeNull();
    expect(bigintAsNumber.to(42)).toBe(42);
  });
});
