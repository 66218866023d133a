import { createHmac, createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** Every scope the API knows: what a test's staff token carries. */
export const ALL_SCOPES = ['orders:write', 'orders:read', 'orders:read:any', 'orders:fulfil', 'catalog:write'] as const;
export const CUSTOMER_SCOPES = ['orders:write', 'orders:read'] as const;

export interface TokenClaims {
  readonly sub?: string;
  readonly email?: string;
  /** Space-separated, like the `scope` claim. */
  readonly scope?: string;
  /** Seconds from now; negative for a token that has already expired. Default 3600. */
  readonly expiresIn?: number;
  readonly iss?: string;
  readonly aud?: string;
  /** Any further claims, or `undefined` to leave a standard one out (e.g. { exp: undefined }). */
  readonly extra?: Record<string, unknown>;
}

/**
 * How to sign: `valid` with the issuer's published key; the rest are attacks a verifier must
 * refuse - `none` (alg: none, no signature), `hs256-with-public-key` (the RSA public key used as an
 * HMAC secret), `unknown-kid` (a key the JWKS does not list), `tampered` (claims changed after
 * signing).
 */
export type Signing = 'valid' | 'none' | 'hs256-with-public-key' | 'unknown-kid' | 'tampered';

export interface TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** How many times the JWKS was fetched (a verifier caches keys). */
  jwksFetches(): number;
  /** AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE pointing at this issuer. */
  env(): Record<string, string>;
  token(claims?: TokenClaims, signing?: Signing): string;
  /** A customer's token (orders:write orders:read) whose email is `email` and sub derived from it. */
  customerToken(email: string, claims?: TokenClaims): string;
  /** A token with every scope the API knows. */
  staffToken(claims?: TokenClaims): string;
  stop(): Promise<void>;
}

/** `Authorization: Bearer <token>` as request headers. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** The subject tests give the customer with this e-mail: stable, so the same customer owns the same orders. */
export function customerSubject(email: string): string {
  return `customer:${email.toLowerCase()}`;
}

/**
 * An identity provider for tests: an RSA key pair made with Node's crypto, its JWKS served over
 * HTTP on 127.0.0.1, and RS256 tokens signed with it (no JWT library: what is signed is plain to see).
 */
export async function startTestIssuer(): Promise<TestIssuer> {
  const key = rsaKey();
  const stranger = rsaKey(); // signs `unknown-kid` tokens; never published
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}/`;
  const audience = 'orderly-api-under-test';
  const jwksUrl = `http://127.0.0.1:${port}/jwks.json`;

  const token = (claims: TokenClaims = {}, signing: Signing = 'valid'): string => {
    const now = Math.floor(Date.now() / 1000);
    const payload = dropUndefined({
      iss: claims.iss ?? issuer,
      aud: claims.aud ?? audience,
      sub: claims.sub ?? `subject-${randomUUID()}`,
      email: claims.email,
      scope: claims.scope,
      iat: now,
      exp: now + (claims.expiresIn ?? 3600),
      ...claims.extra,
    });
    switch (signing) {
      case 'valid':
        return signRs256(key, payload);
      case 'unknown-kid':
        return signRs256(stranger, payload);
      case 'tampered': {
        const [header, , signature] = signRs256(key, payload).split('.');
        return `${header}.${base64url(JSON.stringify({ ...payload, scope: ALL_SCOPES.join(' ') }))}.${signature}`;
      }
      case 'none':
        return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.`;
      case 'hs256-with-public-key': {
        const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: key.kid }))}.${base64url(JSON.stringify(payload))}`;
        const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
        return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      }
    }
  };

  return {
    issuer,
    audience,
    jwksUrl,
    jwksFetches: () => fetches,
    env: () => ({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience }),
    token,
    customerToken: (email, claims = {}) => token({ sub: customerSubject(email), email, scope: CUSTOMER_SCOPES.join(' '), ...claims }),
    staffToken: (claims = {}) => token({ sub: 'staff:test', email: 'staff@orderly.test', scope: ALL_SCOPES.join(' '), ...claims }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the app's JWKS client keeps its connection alive
      }),
  };
}

interface RsaKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

function rsaKey(): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, publicKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

function signRs256(key: RsaKey, payload: Record<string, unknown>): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key.privateKey, 'base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
