import type { HealthCheckResult } from '@nestjs/terminus';
import { httpProblem, ProblemException } from '../http/problem-details.js';

/** 503 from /health/ready, naming every failing check and why it failed. */
export class NotReady extends ProblemException {
  constructor(result: HealthCheckResult) {
    const failing = Object.entries(result.error ?? {}).map(([name, outcome]) => {
      const message = (outcome as { message?: unknown }).message;
      return typeof message === 'string' ? `${name} (${message})` : name;
    });
    super(httpProblem('not-ready', `Failing checks: ${failing.join(', ')}.`, { failing: Object.keys(result.error ?? {}), checks: result.details }));
  }
}
