import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Readiness } from './readiness.js';

export interface ReadinessOutcome {
  readonly ready: boolean;
  /** Every check with its status and, when down, why (raw error messages: operators only). */
  readonly result: HealthCheckResult;
}

/** Runs the readiness checks once; the public endpoint and the management listener both ask it. */
@Injectable()
export class ReadinessReport {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  async evaluate(): Promise<ReadinessOutcome> {
    try {
      return { ready: true, result: await this.health.check(this.readiness.checks()) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return { ready: false, result: error.getResponse() as HealthCheckResult };
    }
  }
}

/**
 * The result as the public may see it: each check's name and status, not why it failed (a
 * database error can name hosts, roles or worse). The management listener shows the messages.
 */
export function withoutMessages(result: HealthCheckResult): HealthCheckResult {
  const strip = (outcomes: Partial<HealthCheckResult['details']> | undefined): HealthCheckResult['details'] =>
    Object.fromEntries(Object.entries(outcomes ?? {}).flatMap(([name, outcome]) => (outcome ? [[name, { status: outcome.status }]] : [])));
  return { ...result, info: strip(result.info), error: strip(result.error), details: strip(result.details) };
}
