import { Controller, Get, Logger } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ApiOperation, ApiProblem, ApiResponse, Public } from '@orderly/kernel';
import { LivenessSchema, NOT_READY_EXTENSIONS, ReadinessSchema } from './health-schemas.js';
import { NotReady } from './not-ready.js';
import { ReadinessReport, withoutMessages } from './readiness-report.js';

/**
 * Liveness: the process answers HTTP (restart it if not). Readiness: it can serve traffic - every
 * module's database answers and every relay runs (send it no traffic if not: 503 naming the
 * failing checks, as problem+json). Here, on the public port, without why a check failed: the
 * management listener (MANAGEMENT_PORT) serves the detailed answer and the metrics.
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(private readonly report: ReadinessReport) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness', description: 'Answers 200 while the process serves HTTP; restart it when this fails.' })
  @ApiResponse(200, { description: 'The process is alive', schema: LivenessSchema })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness',
    description:
      "Answers 200 when every module's database answers and every module's event relay runs and fans out events; 503 naming the failing checks otherwise (and while shutting down). " +
      'Why a check fails is not said here: the management listener (MANAGEMENT_PORT) answers /health/ready with each failing check\'s error.',
  })
  @ApiResponse(200, { description: 'Ready to serve traffic', schema: ReadinessSchema })
  @ApiProblem(503, { type: 'not-ready', description: 'Not ready: some checks fail', title: 'Not ready', extensions: NOT_READY_EXTENSIONS })
  async ready(): Promise<HealthCheckResult> {
    const { ready, result } = await this.report.evaluate();
    if (ready) return withoutMessages(result);
    this.logger.warn(new NotReady(result).problem.detail); // why, for operators: in the log, not the answer
    throw new NotReady(withoutMessages(result));
  }
}
