import type { Principal } from '@orderly/kernel';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config.js';
import { DEVELOPMENT_AUDIENCE, DEVELOPMENT_ISSUER, type DevelopmentIssuer } from './development-issuer.js';

/** Asymmetric algorithms only: `none` and HS* (a shared secret, or a public key misused as one) are refused. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/** The token was not accepted; `reason` is safe to show the caller (it says nothing about keys). */
export class InvalidToken extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidToken';
  }
}

/** The identity provider's keys could not be fetched: the token may be fine, the server cannot tell. */
export class KeysUnavailable extends Error {
  constructor(cause: unknown) {
    super(`The identity provider's signing keys could not be fetched: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KeysUnavailable';
  }
}

/** How long a verified token is taken on trust before its signature is checked again. */
export const VERIFIED_TOKEN_TRUST_MS = 60_000;
/** Distinct tokens remembered at once (the least recently used go first): a few MiB at most. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export interface TokenVerifierOptions {
  /** The clock the token's `exp`/`nbf` and the trust window are judged by (tests move it). */
  readonly now?: () => number;
}

interface VerifiedToken {
  readonly principal: Principal;
  /** Epoch ms after which the token must be verified again: its `exp`, or the trust window's end. */
  readonly trustedUntil: number;
}

/**
 * Verifies bearer access tokens (JWT, RFC 9068-style claims) against a JWKS: signature with an
 * accepted algorithm, `iss`, `aud`, `exp` (required), `nbf`, with a small clock tolerance. Keys
 * are cached by jose's remote JWKS, which re-fetches when a token names an unknown `kid` - at most
 * once per cooldown, so a flood of made-up kids cannot hammer the identity provider.
 *
 * A client sends the same token with every request until it expires, and checking its signature
 * was the largest cost of a cheap request (issue 17's profile: jose and WebCrypto ~13 % of the
 * API's busy CPU). So a token that passed is remembered, by its exact text, until its `exp` or for
 * VERIFIED_TOKEN_TRUST_MS, whichever comes first; only successes are remembered (a rejected token
 * is checked again each time, so a fix on the identity provider's side counts at once). What this
 * gives up (docs/adr/0016): a signing key withdrawn from the JWKS stops being honoured up to a
 * minute later - jose's key cache already keeps keys for ten.
 */
export class TokenVerifier {
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKEN_CACHE_SIZE });

  private constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly clockToleranceSeconds: number,
    private readonly now: () => number,
  ) {}

  static for(config: Exclude<AuthConfig, { kind: 'missing' }>, developmentIssuer: DevelopmentIssuer | null, options: TokenVerifierOptions = {}): TokenVerifier {
    const now = options.now ?? Date.now;
    if (config.kind === 'jwks') {
      const keys = createRemoteJWKSet(config.jwksUrl, { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      return new TokenVerifier(keys, config.issuer, config.audience, config.clockToleranceSeconds, now);
    }
    if (!developmentIssuer) throw new Error('the development issuer is configured but was not opened');
    return new TokenVerifier(createLocalJWKSet(developmentIssuer.jwks), DEVELOPMENT_ISSUER, DEVELOPMENT_AUDIENCE, config.clockToleranceSeconds, now);
  }

  async verify(token: string): Promise<Principal> {
    const now = this.now();
    const known = this.verified.get(token);
    if (known !== undefined && now < known.trustedUntil) return known.principal;

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(now),
      }));
    } catch (error) {
      this.verified.delete(token);
      throw classify(error);
    }
    const principal = principalOf(payload);
    // `exp` is required above; the cache never outlives it (jose's clock tolerance is applied
    // only by a fresh verification).
    this.verified.set(token, { principal, trustedUntil: Math.min(payload.exp! * 1000, now + VERIFIED_TOKEN_TRUST_MS) });
    return principal;
  }
}

function classify(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new InvalidToken('The access token has expired.');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return new KeysUnavailable(error);
  if (error instanceof errors.JOSEError) return new InvalidToken('The access token is not valid here (signature, algorithm, issuer, audience or claims).');
  // jose reports every problem of the token as a JOSEError; anything else came from fetching the
  // keys (network, DNS, TLS: fetch's TypeError): not the caller's fault.
  return new KeysUnavailable(error);
}

function principalOf(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidToken('The access token has no subject (sub).');
  const email = typeof payload.email === 'string' && payload.email !== '' ? payload.email : null;
  // Frozen: one verified token's principal is shared by every request that sends it.
  return Object.freeze({ subject: payload.sub, email, scopes: Object.freeze(scopesOf(payload)) });
}

/** `scope` (RFC 8693/9068, Keycloak, Auth0) is a space-separated string; Entra ID says `scp`, sometimes an array. */
function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}
