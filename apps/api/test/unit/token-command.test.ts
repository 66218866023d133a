import { developmentSubject, tokenRequestFrom, TokenUsageError } from '../../src/identity/token-command.js';

describe('npm run token -- <options>', () => {
  it("defaults to a customer's scopes for an hour, with a subject derived from the e-mail", () => {
    expect(tokenRequestFrom(['--email', 'ada@example.com'])).toEqual({
      subject: developmentSubject('ada@example.com'),
      email: 'ada@example.com',
      scopes: ['orders:write', 'orders:read'],
      ttlSeconds: 3_600,
    });
    expect(developmentSubject('ADA@example.com')).toBe(developmentSubject('ada@example.com'));
  });

  it('takes --sub, --scope, --ttl and --staff', () => {
    expect(tokenRequestFrom(['--email', 'grace@example.com', '--sub', 'grace', '--scope', 'orders:read', '--ttl', '30m', '--staff'])).toEqual({
      subject: 'grace',
      email: 'grace@example.com',
      scopes: ['orders:read', 'orders:read:any', 'orders:fulfil', 'catalog:write'],
      ttlSeconds: 1_800,
    });
  });

  it.each([
    [[], /--email must be an e-mail address/],
    [['--email', 'nope'], /--email must be an e-mail address/],
    [['--email', 'a@b.co', '--ttl', 'forever'], /--ttl "forever" must be a number with s, m, h or d/],
    [['--email', 'a@b.co', '--ttl', '31d'], /from 1s to 30d/],
    [['--email', 'a@b.co', '--admin'], /Unknown option '--admin'/],
  ])('refuses %j', (args, message) => {
    expect(() => tokenRequestFrom(args)).toThrow(TokenUsageError);
    expect(() => tokenRequestFrom(args)).toThrow(message);
  });
});
