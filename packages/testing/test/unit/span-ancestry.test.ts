// spanAncestry is the check of the cross-process tracing test (split-tracing.e2e.test.ts): it must
// follow parents within one trace only, so that a consumer whose trace context was lost (a new
// trace) does not pass for a descendant of the request.
import { spanAncestry, type CollectedSpan } from '../../src/index.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const OTHER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (over: Partial<CollectedSpan> & Pick<CollectedSpan, 'spanId' | 'name'>): CollectedSpan => ({ service: 'orderly-api', traceId: TRACE, parentSpanId: null, kind: 1, ...over });

const request = span({ spanId: '00f067aa0ba902b7', name: 'POST /orders', kind: 2 });
const relay = span({ spanId: 'b7ad6b7169203331', parentSpanId: request.spanId, name: 'deliver orders.OrderPlaced to broker.JetStreamPublisher' });
const consumer = (over: Partial<CollectedSpan> = {}) =>
  span({ service: 'orderly-notifications', spanId: '53995c3f42cd8ad8', parentSpanId: relay.spanId, name: 'deliver orders.OrderPlaced to notifications.SendOrderConfirmation', kind: 5, ...over });

it('follows a consumer span up through the relay to the request, in one trace', () => {
  const sent = consumer();
  expect(spanAncestry(sent, [request, relay, sent]).map((s) => s.name)).toEqual([sent.name, relay.name, request.name]);
});

it('stops at a consumer span of another trace, even one naming the relay span as its parent', () => {
  const lost = consumer({ traceId: OTHER_TRACE });
  expect(spanAncestry(lost, [request, relay, lost])).toEqual([lost]);
});

it('stops at a consumer span that started a trace of its own (no traceparent header)', () => {
  const root = consumer({ traceId: OTHER_TRACE, parentSpanId: null });
  expect(spanAncestry(root, [request, relay, root])).toEqual([root]);
});

it('stops where a parent has not been collected', () => {
  const sent = consumer();
  expect(spanAncestry(sent, [request, sent])).toEqual([sent]);
});
