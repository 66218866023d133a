import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span } from '@opentelemetry/api';
import type { EventEnvelope } from './event-envelope.js';

/**
 * W3C trace context across the outbox: the `traceparent` of the work that added an event is stored
 * with its outbox row, the relay delivers the event inside a span that continues that trace, and
 * a broker carries the relay's `traceparent` in the message headers to the consuming process.
 *
 * Off unless the process installed an OpenTelemetry tracer provider (@orderly/host does when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set) and called enableTracing(): then every function here is one
 * boolean test, nothing is stored and no header is sent.
 */
let enabled = false;

/** Called by the process that registered a tracer provider; from then on events carry trace context. */
export function enableTracing(on = true): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

const tracer = () => trace.getTracer('@orderly/kernel');

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The `traceparent` of the span active now (W3C Trace Context, version 00), or null (tracing off, or no span). */
export function currentTraceparent(): string | null {
  if (!enabled) return null;
  const span = trace.getSpan(context.active())?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return null;
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}`;
}

/** The remote parent a `traceparent` names, as a context to start spans in (ROOT_CONTEXT when it is malformed). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return ROOT_CONTEXT;
  const spanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16), isRemote: true };
  return trace.isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}

/** Runs `work` in a span (a child of `parent`); records a thrown error on it. Just `work()` when tracing is off. */
export async function inSpan<T>(name: string, kind: SpanKind, parent: Context | undefined, attributes: Record<string, string>, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  return tracer().startActiveSpan(name, { kind, attributes }, parent ?? context.active(), async (span: Span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace context the relay read with an event (its outbox row's traceparent); kept beside the envelope, not in it. */
const traceOfEvent = new WeakMap<EventEnvelope, string>();

export function rememberTraceparent(event: EventEnvelope, traceparent: string | null): void {
  if (traceparent) traceOfEvent.set(event, traceparent);
}

export function traceparentOf(event: EventEnvelope): string | null {
  return traceOfEvent.get(event) ?? null;
}

/**
 * Delivers an event to one subscriber in a span that continues the trace of whoever added it
 * (`traceparent` from its outbox row or the broker message); outside any trace when tracing is off.
 */
export function deliverInTrace<T>(event: EventEnvelope, subscriber: string, traceparent: string | null, kind: SpanKind, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  return inSpan(`deliver ${event.type} to ${subscriber}`, kind, contextFromTraceparent(traceparent), {
    'messaging.message.id': event.id,
    'orderly.event.type': event.type,
    'orderly.subscriber': subscriber,
  }, work);
}

export { SpanKind };
