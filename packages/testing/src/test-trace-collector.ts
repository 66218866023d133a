import { createServer, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { freePort } from './free-port.js';

/** One span as an OTLP exporter sent it, with the service.name of the process that sent it. */
export interface CollectedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
}

/**
 * The chain of spans from `span` up to its trace's root, as far as `spans` has them: each next one is
 * the parent of the one before in the same trace. A span of another trace never counts as a parent,
 * even with the parent's span id: a consumer that lost the trace context (no traceparent header)
 * starts a trace of its own, and its chain stops at itself.
 */
export function spanAncestry(span: CollectedSpan, spans: readonly CollectedSpan[]): CollectedSpan[] {
  const chain = [span];
  for (let at = span; at.parentSpanId; ) {
    const parent = spans.find((s) => s.traceId === at.traceId && s.spanId === at.parentSpanId);
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    at = parent;
  }
  return chain;
}

export interface TestTraceCollector {
  /** The OTLP/HTTP endpoint to give processes as OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** Every span received so far, from every process. */
  spans(): CollectedSpan[];
  stop(): Promise<void>;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }[] }[];
  }[];
}

/**
 * An in-memory OTLP/HTTP (JSON) trace receiver for tests: the real processes export to it through
 * their ordinary configuration (OTEL_EXPORTER_OTLP_ENDPOINT), and the test reads what they sent.
 */
export async function startTestTraceCollector(): Promise<TestTraceCollector> {
  const received: CollectedSpan[] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await read(req);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      for (const resourceSpans of (JSON.parse(text) as OtlpJson).resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown';
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            received.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || null, name: span.name, kind: span.kind });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the exporters keep theirs alive
      }),
  };
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
