import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { NotReady } from './not-ready.js';
import { Readiness } from './readiness.js';

/**
 * Liveness: the process answers HTTP (restart it if not). Readiness: it can serve traffic - every
 * module's database answers and every relay runs (send it no traffic if not: 503 naming the
 * failing checks, as problem+json).
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.readiness.checks());
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const notReady = new NotReady(error.getResponse() as HealthCheckResult);
      this.logger.warn(notReady.problem.detail);
      throw notReady;
    }
  }
}
