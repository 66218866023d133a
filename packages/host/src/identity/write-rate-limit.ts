import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { httpProblem, ProblemException } from '../http/problem-details.js';
import type { Authenticator } from './authenticator.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The rate limit on writes (POST, PUT, PATCH, DELETE), counted per subject when the request
 * carries a valid token and per client address otherwise. Reads are not limited. Counters live in
 * this process's memory: each instance keeps its own budget (docs/adr/0011).
 */
export function writeRateLimit(authenticator: Authenticator, limit: { limit: number; windowMs: number }): ThrottlerModuleOptions {
  return {
    throttlers: [{ name: 'default', limit: limit.limit, ttl: limit.windowMs }],
    skipIf: (context: ExecutionContext) => limit.limit === 0 || READS.has(context.switchToHttp().getRequest<{ method: string }>().method),
    getTracker: async (request: Record<string, unknown>) => {
      const http = request as { headers: { authorization?: string }; ip?: string; socket?: { remoteAddress?: string } };
      const authentication = await authenticator.authenticate(http);
      if (authentication.kind === 'authenticated') return `subject:${authentication.principal.subject}`;
      return `address:${http.ip ?? http.socket?.remoteAddress ?? 'unknown'}`;
    },
  };
}

/** @nestjs/throttler's guard, answering 429 as problem+json (it sets Retry-After itself). */
@Injectable()
export class WriteRateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new ProblemException(
      httpProblem('too-many-requests', `More than ${detail.limit} writes in ${detail.ttl / 1000} s from this caller. Retry after the number of seconds in Retry-After.`),
    );
  }
}
