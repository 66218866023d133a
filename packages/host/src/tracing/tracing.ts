import { context, SpanKind, trace } from '@opentelemetry/api';
import { contextFromTraceparent, enableTracing, tracingEnabled } from '@orderly/kernel';
import type { NextFunction, Request, Response } from 'express';

/** What startTracing() started; shutdown() exports the spans still buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

const OFF: Tracing = { shutdown: async () => undefined };

/**
 * OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: a Node tracer provider
 * (AsyncLocalStorage context, W3C trace context) whose spans go in batches to that OTLP/HTTP
 * endpoint, named OTEL_SERVICE_NAME or `service`. Off, nothing is registered and the kernel stores
 * and sends no trace context (docs/adr/0018).
 */
export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return OFF;
  // Loaded only when on: the SDK and the OTLP exporter add about 0.1 s to every start-up.
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || service }),
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, _TIMEOUT); the batch OTEL_BSP_*.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  enableTracing(true);
  return {
    async shutdown() {
      enableTracing(false);
      await provider.shutdown();
    },
  };
}

/**
 * Express middleware: one server span per request, continuing the caller's `traceparent` header
 * if it sent one, named by the route pattern once known (`POST /orders`). Everything the request
 * does runs in it, so the events it publishes carry its trace. A no-op with tracing off.
 */
export function traceRequests(routeOf: (res: Response) => string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!tracingEnabled()) return next();
    const incoming = req.headers.traceparent;
    const parent = typeof incoming === 'string' ? contextFromTraceparent(incoming) : context.active();
    const span = trace.getTracer('@orderly/host').startSpan(`${req.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.once('finish', () => {
      const route = routeOf(res);
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
