import { HttpException, HttpStatus } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { problemType, type ProblemDetails } from '../http/problem-details.js';

/** 503 from /health/ready, naming every failing check and why it failed. */
export class NotReady extends HttpException {
  readonly problem: ProblemDetails;

  constructor(result: HealthCheckResult) {
    const failing = Object.entries(result.error ?? {}).map(([name, outcome]) => {
      const message = (outcome as { message?: unknown }).message;
      return typeof message === 'string' ? `${name} (${message})` : name;
    });
    const problem: ProblemDetails = {
      type: problemType('not-ready'),
      title: 'Not ready',
      status: HttpStatus.SERVICE_UNAVAILABLE,
      detail: `Failing checks: ${failing.join(', ')}.`,
      failing: Object.keys(result.error ?? {}),
      checks: result.details,
    };
    super(problem, HttpStatus.SERVICE_UNAVAILABLE);
    this.problem = problem;
  }
}
