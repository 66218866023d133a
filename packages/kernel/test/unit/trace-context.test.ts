// Trace context through the outbox: off (no tracer provider registered) every function is a
// pass-through that records nothing; on, a traceparent read back from an outbox row or a message
// header becomes the parent of the delivery, and the work inside sees it as the current trace.
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { contextFromTraceparent, currentTraceparent, deliverInTrace, enableTracing, rememberTraceparent, traceparentOf } from '../../src/events/trace-context.js';
import type { EventEnvelope } from '../../src/index.js';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event: EventEnvelope = { id: 'e-1', type: 'ledger.EntryAdded', version: 1, occurredAt: '2026-01-01T00:00:00.000Z', aggregateId: 'a', correlationId: 'c', causationId: null, payload: {} };

// What a registered provider brings (@orderly/host's NodeTracerProvider): context that follows async work.
beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
afterAll(() => context.disable());
afterEach(() => enableTracing(false));

it('stores and sends nothing while tracing is off, even inside a span', async () => {
  const inSpan = trace.setSpanContext(context.active(), { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
  expect(context.with(inSpan, () => currentTraceparent())).toBeNull();
  let seen: string | null = 'not run';
  await deliverInTrace(event, 'audit.Record', PARENT, SpanKind.CONSUMER, async () => void (seen = currentTraceparent()));
  expect(seen).toBeNull();
});

it('delivers in the trace named by the traceparent, and hands it on to what the delivery adds', async () => {
  enableTracing();
  let seen: string | null = null;
  // No tracer provider is registered here: the API's no-op tracer keeps the parent's ids, which is all this checks.
  await deliverInTrace(event, 'audit.Record', PARENT, SpanKind.CONSUMER, async () => void (seen = currentTraceparent()));
  expect(seen).toBe(PARENT);
});

it('reads only well-formed traceparents, and remembers one per event envelope', () => {
  enableTracing();
  for (const bad of ['', 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']) {
    expect(trace.getSpanContext(contextFromTraceparent(bad))).toBeUndefined();
  }
  expect(trace.getSpanContext(contextFromTraceparent(PARENT))).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', isRemote: true });
  rememberTraceparent(event, PARENT);
  expect(traceparentOf(event)).toBe(PARENT);
  expect(traceparentOf({ ...event })).toBeNull();
});
