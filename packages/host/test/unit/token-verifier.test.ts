// The verifier remembers a token that passed (issue 17: its signature check was the largest cost
// of a cheap request), but never past the token's `exp` or the trust window, and only by its
// exact text: these tests move the verifier's clock instead of waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevelopmentIssuer } from '../../src/identity/development-issuer.js';
import { InvalidToken, TokenVerifier, VERIFIED_TOKEN_TRUST_MS } from '../../src/identity/token-verifier.js';

const development = { kind: 'development', explicitOptIn: false, clockToleranceSeconds: 0 } as const;
let dataDir: string;
let issuer: DevelopmentIssuer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'orderly-token-verifier-'));
  issuer = await DevelopmentIssuer.open(dataDir);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A verifier on a clock the test moves. */
function verifierAt(start: number) {
  const clock = { now: start };
  return { verifier: TokenVerifier.for(development, issuer, { now: () => clock.now }), clock };
}

const token = (ttlSeconds: number) => issuer.mint({ subject: 'customer-1', email: 'ada@example.com', scopes: ['orders:read'], ttlSeconds });

it('checks a token once and then trusts it for the trust window, with the same principal', async () => {
  const jwt = await token(3600);
  const { verifier, clock } = verifierAt(Date.now());
  const first = await verifier.verify(jwt);
  clock.now += VERIFIED_TOKEN_TRUST_MS - 1;
  const again = await verifier.verify(jwt);
  expect(again).toBe(first); // the remembered principal itself: no second verification built one
  expect(first).toEqual({ subject: 'customer-1', email: 'ada@example.com', scopes: ['orders:read'] });
  expect(Object.isFrozen(first) && Object.isFrozen(first.scopes)).toBe(true);

  clock.now += 2; // past the trust window: verified again, a principal built anew
  const afterWindow = await verifier.verify(jwt);
  expect(afterWindow).not.toBe(first);
  expect(afterWindow).toEqual(first);
});

it('never trusts a remembered token past its exp', async () => {
  const jwt = await token(5);
  const { verifier, clock } = verifierAt(Date.now());
  await verifier.verify(jwt);
  clock.now += 6_000; // inside the trust window, past exp
  await expect(verifier.verify(jwt)).rejects.toThrow(new InvalidToken('The access token has expired.'));
});

it('trusts no token of another issuer, however often it is sent', async () => {
  const otherDir = mkdtempSync(join(tmpdir(), 'orderly-other-issuer-'));
  try {
    const forged = await (await DevelopmentIssuer.open(otherDir)).mint({ subject: 'customer-1', scopes: ['orders:read:any'], ttlSeconds: 3600 });
    const { verifier } = verifierAt(Date.now());
    for (let i = 0; i < 3; i += 1) await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidToken);
  } finally {
    rmSync(otherDir, { recursive: true, force: true });
  }
});

it('remembers a token by its exact text: a changed signature is verified, and refused', async () => {
  const jwt = await token(3600);
  const { verifier } = verifierAt(Date.now());
  await verifier.verify(jwt);
  const [header, payload, signature] = jwt.split('.');
  const tampered = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  await expect(verifier.verify(tampered)).rejects.toBeInstanceOf(InvalidToken);
});
