import { requestIdFrom } from '../../src/http/request-id.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it.each(['abc', 'gw-1.2:3', 'Zm9v+YmFy/=', 'x'.repeat(128), '0b6f6c1e-4b0c-4f5e-9d7a-1c2b3d4e5f60'])('keeps %s', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a newline (log injection)', 'a\nlevel=error'],
    ['quotes and angle brackets', '"<script>"'],
    ['non-ASCII', 'idé'],
  ])('replaces %s with a fresh UUID', (_what, header) => {
    expect(requestIdFrom(header)).toMatch(uuid);
  });

  it('takes the first of repeated headers', () => {
    expect(requestIdFrom(['first', 'second'])).toBe('first');
  });
});
