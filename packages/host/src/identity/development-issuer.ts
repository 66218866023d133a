import { calculateJwkThumbprint, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The `iss` and `aud` of development tokens: they are accepted by no other deployment. */
export const DEVELOPMENT_ISSUER = 'urn:orderly:development-issuer';
export const DEVELOPMENT_AUDIENCE = 'urn:orderly:api';
export const JWKS_PATH = '/.well-known/jwks.json';

const ALGORITHM = 'ES256';

/** What a customer's token carries by default, and what `--staff` adds. */
export const CUSTOMER_SCOPES = ['orders:write', 'orders:read'] as const;
export const STAFF_SCOPES = ['orders:read:any', 'orders:fulfil', 'catalog:write'] as const;

export interface TokenRequest {
  readonly subject: string;
  readonly email?: string;
  readonly scopes: readonly string[];
  readonly ttlSeconds: number;
}

/**
 * The development issuer of the embedded setup: one ES256 key pair kept in DATA_DIR/identity
 * (created on first use, readable by its owner only), its public half served as a JWKS at
 * /.well-known/jwks.json, and tokens signed with it by `npm run token`. Whoever can read
 * DATA_DIR can mint any token: it is for a laptop, never for production (docs/adr/0011).
 */
export class DevelopmentIssuer {
  private constructor(
    private readonly privateJwk: JWK,
    readonly jwks: JSONWebKeySet,
  ) {}

  static async open(dataDir: string): Promise<DevelopmentIssuer> {
    const privateJwk = await loadOrCreateKey(join(resolve(dataDir), 'identity'));
    const { d: _secret, ...publicJwk } = privateJwk;
    return new DevelopmentIssuer(privateJwk, { keys: [publicJwk] });
  }

  async mint(request: TokenRequest): Promise<string> {
    const key = await importJWK(this.privateJwk, ALGORITHM);
    const claims: Record<string, unknown> = { scope: request.scopes.join(' ') };
    if (request.email) claims.email = request.email;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: this.privateJwk.kid! })
      .setIssuer(DEVELOPMENT_ISSUER)
      .setAudience(DEVELOPMENT_AUDIENCE)
      .setSubject(request.subject)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + request.ttlSeconds)
      .sign(key);
  }
}

async function loadOrCreateKey(dir: string): Promise<JWK> {
  const file = join(dir, 'development-issuer.jwk.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read the development issuer's key ${file}: ${String(error)}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const key: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALGORITHM, use: 'sig' };
  // Written whole under a temporary name, then linked into place: link fails if the file exists,
  // so when the app and `npm run token` race to create it, both end up with the same key.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(key), { mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
}
