import { maskEmail, maskPersonalData } from '@orderly/kernel';

describe('personal data in logs and stored errors', () => {
  it('masks e-mail addresses, keeping the first character and the domain', () => {
    expect(maskEmail('ada@example.com')).toBe('a***@example.com');
    expect(maskPersonalData('550 5.1.1 <Grace.Hopper+orders@mail.example.co.uk>: Recipient address rejected')).toBe(
      '550 5.1.1 <G***@mail.example.co.uk>: Recipient address rejected',
    );
  });

  it('replaces bearer tokens and anything shaped like a JWT', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';
    expect(maskPersonalData(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [token]');
    expect(maskPersonalData(`token=${jwt}&x=1`)).toBe('token=[token]&x=1');
    expect(maskPersonalData('Bearer opaque-token_123')).toBe('Bearer [token]');
  });

  it('leaves other text alone', () => {
    expect(maskPersonalData('order 1caae01c-9199-4ebb-8e1d-03c59bdfc7e3 placed: 3 x lamp @ 12.50')).toBe('order 1caae01c-9199-4ebb-8e1d-03c59bdfc7e3 placed: 3 x lamp @ 12.50');
  });
});
