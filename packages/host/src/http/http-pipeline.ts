import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { maskPersonalData, runWithCausation } from '@orderly/kernel';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { OrderlyConfig } from '../config.js';
import type { OrderlyMetrics } from '../metrics/orderly-metrics.js';
import { KnownRoutes } from './known-routes.js';
import { httpProblem, ProblemException } from './problem-details.js';
import { sendProblem } from './problem-details.filter.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { traceRequests } from '../tracing/tracing.js';

/** The route pattern a request matched ('unmatched' for unknown paths): a bounded label. */
export function routeOf(res: Response): string {
  return (res.locals.route as string | undefined) ?? 'unmatched';
}

/**
 * Express middleware that runs before Nest routes a request, in this order:
 * 1. request id (X-Request-Id in and out), one log line per request, a trace span when tracing is
 *    on (W3C traceparent in), metrics, and the request id as the correlation id of every event
 *    published while handling it;
 * 2. security headers (helmet), CORS when configured;
 * 3. 405 with Allow for a wrong method on a known path; 415 for a body that is not JSON;
 * 4. JSON body parsing with the configured limit; its errors (400, 413) as problem+json, and a
 *    400 for a body that is not a JSON object or nests too deep (refuseBodyShape).
 * Unknown paths fall through to Nest, which answers 404 as problem+json.
 */
export function configureHttpPipeline(app: NestExpressApplication, config: OrderlyConfig, logger: Logger, metrics: OrderlyMetrics): void {
  const express_ = app.getHttpAdapter().getInstance() as express.Express;
  const routes = new KnownRoutes(() => (express_.router as unknown as { stack: [] }).stack);

  app.disable('x-powered-by');
  // Express would hash every JSON body (SHA-1) for a weak ETag nobody asked for; a route that
  // offers conditional requests sets its own ETag, which Express still honours (304).
  app.set('etag', false);
  app.use(requestLogging(logger));
  app.use(traceRequests(routeOf));
  app.use((req: Request, res: Response, next: NextFunction) => {
    runWithCausation({ correlationId: String(req.id), causationId: null }, next);
  });
  app.use(measureRequests(metrics));
  // upgrade-insecure-requests only for a request that came over https: on plain http (/docs
  // opened from another machine by address) it makes the browser fetch every asset over https.
  const securityHeaders = { http: helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }), https: helmet() };
  app.use((req: Request, res: Response, next: NextFunction) => securityHeaders[req.secure ? 'https' : 'http'](req, res, next));
  if (config.corsOrigins === '*' || config.corsOrigins.length > 0) {
    const origin = config.corsOrigins === '*' ? '*' : [...config.corsOrigins];
    // A preflight is told the methods the path really serves; unknown paths get no CORS headers.
    app.enableCors((req: Request, callback: (error: Error | null, options: CorsOptions) => void) => {
      const route = routes.find(req.path);
      callback(null, route ? { origin, methods: [...route.methods], exposedHeaders: EXPOSED_HEADERS } : { origin: false });
    });
  }
  // Not strict: a body of `null` or `3` is valid JSON, refused below as "not an object" rather
  // than called malformed.
  const parseJson = express.json({ limit: config.bodyLimitBytes, strict: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const route = routes.find(req.path);
    if (!route) return next();
    res.locals.route = route.pattern;
    if (!route.methods.includes(req.method)) {
      res.setHeader('Allow', route.methods.join(', '));
      return sendProblem(res, new ProblemException(httpProblem('method-not-allowed', `${route.pattern} answers ${route.methods.join(', ')}, not ${req.method}.`)), req.log);
    }
    if (!hasBody(req)) return next();
    if (!req.is('application/json')) {
      const sent = req.headers['content-type'];
      const detail = `Send the body as application/json${sent ? `, not ${sent}` : ' (the Content-Type header is missing)'}.`;
      return sendProblem(res, new ProblemException(httpProblem('unsupported-media-type', detail)), req.log);
    }
    parseJson(req, res, (error?: unknown) => {
      if (error) return next(error);
      const refusal = refuseBodyShape(req.body);
      if (refusal) return sendProblem(res, new ProblemException(httpProblem('invalid-request', refusal)), req.log);
      next();
    });
  });
  // body-parser errors happen before Nest routes the request; answer them as problem+json too.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(res, error, req.log);
  });
}

/** Response headers a browser script may read: the request id, where a created resource is, its version, whether an answer was replayed. */
const EXPOSED_HEADERS = [REQUEST_ID_HEADER, 'Location', 'ETag', 'Idempotent-Replayed'];

/** Routes that load balancers and Prometheus call on a schedule. */
const PROBE_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

function requestLogging(logger: Logger): RequestHandler {
  const describe = (req: Request, res: Response, durationMs: number) => ({
    method: req.method,
    route: routeOf(res),
    url: loggableUrl(req.originalUrl),
    status: res.statusCode,
    durationMs,
  });
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    // 503 is a deliberate answer (not ready, draining); other 5xx are failures. Probes and
    // scrapes that succeed come every few seconds and say nothing: debug.
    customLogLevel: (_req, res, error) => {
      if (error || (res.statusCode >= 500 && res.statusCode !== 503)) return 'error';
      if (res.statusCode === 503) return 'warn';
      return res.statusCode < 400 && PROBE_ROUTES.has(routeOf(res as Response)) ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res, ms) => `${req.method} ${routeOf(res as Response)} ${res.statusCode} ${ms} ms`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(res as Response)} ${res.statusCode}`,
    customSuccessObject: (req, res, value) => describe(req as Request, res as Response, (value as { durationMs: number }).durationMs),
    customErrorObject: (req, res, _error, value) => describe(req as Request, res as Response, (value as { durationMs: number }).durationMs),
  }) as unknown as RequestHandler;
}

function measureRequests(metrics: OrderlyMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(res);
      metrics.httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  };
}

/**
 * Every request body of this API is a JSON object whose values nest a few levels deep. Anything
 * else is refused here, before class-transformer walks it (recursively: a body of arrays nested a
 * few thousand deep overflows its stack).
 */
export const MAX_BODY_DEPTH = 32;

/** Why the parsed body cannot be a request of this API, or undefined when it can. */
export function refuseBodyShape(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const what = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`;
    return `The request body must be a JSON object, not ${what}.`;
  }
  // Iterative, so no depth can overflow this check itself.
  const pending: [unknown, number][] = [[body, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (depth > MAX_BODY_DEPTH) return `The request body nests objects and arrays more than ${MAX_BODY_DEPTH} levels deep.`;
    for (const child of Object.values(value as object)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return undefined;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The URL as a log line may carry it: the path, and the query with every value decoded and its
 * personal data masked (GET /orders?customerEmail=ada@example.com logs customerEmail=a***@example.com).
 */
export function loggableUrl(originalUrl: string): string {
  const at = originalUrl.indexOf('?');
  if (at < 0) return maskPersonalData(originalUrl);
  const query = [...new URLSearchParams(originalUrl.slice(at + 1))].map(([name, value]) => `${maskPersonalData(name)}=${maskPersonalData(value)}`);
  return `${maskPersonalData(originalUrl.slice(0, at))}?${query.join('&')}`;
}
