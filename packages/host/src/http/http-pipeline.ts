import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { maskPersonalData, runWithCausation, tracingEnabled } from '@orderly/kernel';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
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

/** The request's id (X-Request-Id), set by the first middleware. */
function requestIdOf(res: Response): string {
  return res.locals.requestId as string;
}

/**
 * Express middleware that runs before Nest routes a request, in this order:
 * 1. request id (X-Request-Id in and out), one log line per request, metrics, the request id as
 *    the correlation id of every event published while handling it, and a trace span when tracing
 *    is on (W3C traceparent in);
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
  app.use(observeRequests(logger, metrics));
  // Tracing is switched on or off before the app is built (startTracing); off, requests skip the layer.
  if (tracingEnabled()) app.use(traceRequests(routeOf));
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
      return sendProblem(res, new ProblemException(httpProblem('method-not-allowed', `${route.pattern} answers ${route.methods.join(', ')}, not ${req.method}.`)), errorLog(logger, res));
    }
    if (!hasBody(req)) return next();
    if (!req.is('application/json')) {
      const sent = req.headers['content-type'];
      const detail = `Send the body as application/json${sent ? `, not ${sent}` : ' (the Content-Type header is missing)'}.`;
      return sendProblem(res, new ProblemException(httpProblem('unsupported-media-type', detail)), errorLog(logger, res));
    }
    parseJson(req, res, (error?: unknown) => {
      if (error) return next(error);
      const refusal = refuseBodyShape(req.body);
      if (refusal) return sendProblem(res, new ProblemException(httpProblem('invalid-request', refusal)), errorLog(logger, res));
      next();
    });
  });
  // body-parser errors happen before Nest routes the request; answer them as problem+json too.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(res, error, errorLog(logger, res));
  });
}

/** Response headers a browser script may read: the request id, where a created resource is, its version, whether an answer was replayed. */
const EXPOSED_HEADERS = [REQUEST_ID_HEADER, 'Location', 'ETag', 'Idempotent-Replayed'];

/** Routes that load balancers and Prometheus call on a schedule. */
const PROBE_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The request id (X-Request-Id in and out) and the causation the rest of the request runs in,
 * then, when the response is done, one log line and one metrics observation. Written by hand
 * rather than with pino-http: it built two child loggers per request at any log level, one of
 * them serialising and redacting the whole request into bindings no line used
 * (docs/performance.md, "What was tried", item 15).
 */
function observeRequests(logger: Logger, metrics: OrderlyMetrics): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    const elapsedSeconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let logged = false;
    // A response ends with 'finish' (sent), or 'close' or 'error' before that (the client went away).
    const logLine = (seconds: number, error?: Error) => {
      if (logged) return;
      logged = true;
      res.removeListener('close', onClose);
      res.removeListener('error', onError);
      writeRequestLine(logger, req, res, requestId, Math.round(seconds * 1000), error);
    };
    const onClose = () => logLine(elapsedSeconds());
    const onError = (error: Error) => logLine(elapsedSeconds(), error);
    res.once('finish', () => {
      const seconds = elapsedSeconds();
      metrics.httpRequestDuration.observe({ method: req.method, route: routeOf(res), status: String(res.statusCode) }, seconds);
      logLine(seconds);
    });
    res.on('close', onClose);
    res.on('error', onError);
    // The request id is the correlation id of every event published while handling it.
    runWithCausation({ correlationId: requestId, causationId: null }, next);
  };
}

/**
 * One line per request. 503 is a deliberate answer (not ready, draining); other 5xx are
 * failures. Probes and scrapes that succeed come every few seconds and say nothing: debug.
 */
function writeRequestLine(logger: Logger, req: Request, res: Response, requestId: string, durationMs: number, error: Error | undefined): void {
  const route = routeOf(res);
  const status = res.statusCode;
  const failed = error !== undefined || status >= 500;
  const level = error || (status >= 500 && status !== 503) ? 'error' : status === 503 ? 'warn' : status < 400 && PROBE_ROUTES.has(route) ? 'debug' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const line = { requestId, method: req.method, route, url: loggableUrl(req.originalUrl), status, durationMs };
  logger[level](line, failed ? `${req.method} ${route} ${status}` : `${req.method} ${route} ${status} ${durationMs} ms`);
}

/** Where the pipeline's own error answers log a failure: a line with the request's id. */
function errorLog(logger: Logger, res: Response): { error(message: string): void } {
  return { error: (message) => logger.error({ requestId: requestIdOf(res) }, message) };
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
