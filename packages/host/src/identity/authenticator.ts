import type { Principal } from '@orderly/kernel';
import { InvalidToken, KeysUnavailable, type TokenVerifier } from './token-verifier.js';

export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'authenticated'; readonly principal: Principal }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'keys-unavailable'; readonly error: KeysUnavailable };

interface RequestLike {
  readonly headers: { readonly authorization?: string };
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Who sent a request, from its `Authorization: Bearer` header, verified once per request: the
 * rate limiter (which counts per subject) and the access guard both ask, the token is checked once.
 */
export class Authenticator {
  private readonly results = new WeakMap<object, Promise<Authentication>>();

  constructor(private readonly verifier: TokenVerifier) {}

  authenticate(request: RequestLike): Promise<Authentication> {
    let result = this.results.get(request);
    if (!result) {
      result = this.verify(request.headers.authorization);
      this.results.set(request, result);
    }
    return result;
  }

  private async verify(header: string | undefined): Promise<Authentication> {
    // No header, or another scheme (Basic, ...): no bearer token was sent.
    if (header === undefined || !/^Bearer\b/i.test(header)) return { kind: 'anonymous' };
    const token = BEARER.exec(header)?.[1];
    if (!token) return { kind: 'invalid', reason: 'The Authorization header must be "Bearer <token>".' };
    try {
      return { kind: 'authenticated', principal: await this.verifier.verify(token) };
    } catch (error) {
      if (error instanceof InvalidToken) return { kind: 'invalid', reason: error.reason };
      if (error instanceof KeysUnavailable) return { kind: 'keys-unavailable', error };
      throw error;
    }
  }
}
