import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE, toProblem } from './to-problem.js';

interface ResponseLike {
  headersSent: boolean;
  status(code: number): ResponseLike;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Renders every error as application/problem+json and logs the ones the server caused. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    sendProblem(host.switchToHttp().getResponse<ResponseLike>(), exception, this.logger);
  }
}

/** Anything with an error method: the Nest Logger, or a request's pino logger. */
interface ErrorLog {
  error(message: string): void;
}

export function sendProblem(response: ResponseLike, exception: unknown, logger: ErrorLog): void {
  const problem = toProblem(exception);
  // An HttpException is a deliberate answer (e.g. 503 not ready), a lost database is an outage
  // the readiness probe reports; anything else >= 500 is a bug.
  if (problem.status >= 500 && !(exception instanceof HttpException) && problem !== DATABASE_UNAVAILABLE) logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  if (response.headersSent) return;
  response.status(problem.status);
  if (problem === DATABASE_UNAVAILABLE) response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
  response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  response.end(JSON.stringify(problem));
}
