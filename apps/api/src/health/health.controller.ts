import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiOperation, ApiProblem, ApiResponse } from '@orderly/kernel';
import { LivenessSchema, NOT_READY_EXTENSIONS, ReadinessSchema } from './health-schemas.js';
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
  @ApiOperation({ summary: 'Liveness', description: 'Answers 200 while the process serves HTTP; restart it when this fails.' })
  @ApiResponse(200, { description: 'The process is alive', schema: LivenessSchema })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness',
    description: "Answers 200 when every module's database answers and every module's event relay runs; 503 naming the failing checks otherwise (and while shutting down).",
  })
  @ApiResponse(200, { description: 'Ready to serve traffic', schema: ReadinessSchema })
  @ApiProblem(503, { type: 'not-ready', description: 'Not ready: some checks fail', title: 'Not ready', extensions: NOT_READY_EXTENSIONS })
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
