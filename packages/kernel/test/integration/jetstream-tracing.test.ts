// Trace context across the broker, with a real OpenTelemetry tracer provider (in-memory exporter),
// a real nats-server and a real PostgreSQL: the consumer's span continues the trace in which the
// event was added (outbox row traceparent -> the relay's span -> the message's traceparent header
// -> the consumer's span). The planted break: the same kind of event published without the header
// (a publisher that dropped it) is consumed in a trace of its own, which the same check tells
// apart - so the cross-process test (apps/notifications-service split-tracing) can fail.
import { context, SpanKind, trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { randomUUID } from 'node:crypto';
import { enableTracing, type EventEnvelope, type EventHandler } from '../../src/index.js';
import type { EventBroker } from '../../src/messaging/event-broker.js';
import { eventSubject } from '../../src/messaging/event-subjects.js';
import { jetStream, type DeliveryPath } from './delivery-paths.js';
import { brokerTestsRun, EntryAddedV1, openLedgerAndAudit, TRUNCATE_ALL, until, type EntryAdded } from './messaging.fixture.js';

const describeWithBroker = brokerTestsRun() ? describe : describe.skip;

describeWithBroker('trace context over NATS JetStream', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let testbed: Awaited<ReturnType<typeof openLedgerAndAudit>>;
  let path: DeliveryPath & { broker: EventBroker };
  const recorder: EventHandler<EntryAdded> = {
    name: 'audit.RecordEntry',
    handle: async (event) => {
      await testbed.subscriberUow.transactionOnce(event, 'audit.RecordEntry', async (tx) => {
        await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
      });
    },
  };

  beforeAll(async () => {
    provider.register(); // as @orderly/host does when OTEL_EXPORTER_OTLP_ENDPOINT is set
    enableTracing();
    testbed = await openLedgerAndAudit();
    path = await jetStream.open(testbed);
  }, 120_000);

  afterAll(async () => {
    enableTracing(false);
    await path?.close();
    await testbed?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  afterEach(async () => {
    await path.stop();
    exporter.reset();
    await testbed.admin.query(`${TRUNCATE_ALL}, audit.outbox, audit.outbox_delivery`);
  });

  const tracer = () => trace.getTracer('jetstream-tracing.test');

  /** Runs `work` in a span of a new trace (as a request would be) and returns that span's context. */
  async function inNewTrace(name: string, work: () => Promise<void>): Promise<SpanContext> {
    return tracer().startActiveSpan(name, { kind: SpanKind.SERVER }, context.active(), async (span) => {
      try {
        await work();
        return span.spanContext();
      } finally {
        span.end();
      }
    });
  }

  /** The consumer's span that delivered event `id` to the handler, once it has ended. */
  const consumerSpan = (id: string) =>
    until(async () => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === id), `the consumer span of ${id}`);

  /** From `span` up through its parents within its own trace, as far as the exporter has them. */
  function ancestry(span: ReadableSpan): string[] {
    const spans = exporter.getFinishedSpans();
    const names = [span.name];
    for (let at = span; at.parentSpanContext; ) {
      const parent = spans.find((s) => s.spanContext().traceId === at.spanContext().traceId && s.spanContext().spanId === at.parentSpanContext!.spanId);
      if (!parent) break;
      names.push(parent.name);
      at = parent;
    }
    return names;
  }

  it('continues the trace the event was added in: outbox row, relay span, message header, consumer span', async () => {
    await path.start(recorder as EventHandler<unknown>, 4);
    let id = '';
    const request = await inNewTrace('POST /entries', async () => {
      await testbed.publisher.transaction(async (tx) => {
        id = tx.outbox.add(EntryAddedV1, { aggregateId: 'book-traced', payload: { note: 'traced' } }).id;
      });
    });
    await path.relay();
    const consumed = await consumerSpan(id);
    expect(consumed.spanContext().traceId).toBe(request.traceId);
    expect(ancestry(consumed)).toEqual(['deliver ledger.EntryAdded to audit.RecordEntry', 'deliver ledger.EntryAdded to broker.JetStreamPublisher', 'POST /entries']);
  });

  it('consumes a message published without the traceparent header in a trace of its own (the break the check sees)', async () => {
    await path.start(recorder as EventHandler<unknown>, 4);
    const event: EventEnvelope = {
      id: randomUUID(), type: EntryAddedV1.type, version: 1, occurredAt: new Date().toISOString(),
      aggregateId: 'book-untraced', correlationId: 'untraced', causationId: null, payload: { note: 'header dropped' },
    };
    // What JetStreamEventPublisher sends, less the traceparent header, from inside a traced span.
    const publishing = await inNewTrace('publish without traceparent', async () => {
      await path.broker.jetstream.publish(eventSubject(event.type, event.aggregateId), JSON.stringify(event), { msgID: event.id });
    });
    const consumed = await consumerSpan(event.id);
    expect(consumed.spanContext().traceId).not.toBe(publishing.traceId);
    expect(consumed.parentSpanContext).toBeUndefined();
    expect(ancestry(consumed)).toEqual(['deliver ledger.EntryAdded to audit.RecordEntry']); // does not reach the publishing span
  });
});
