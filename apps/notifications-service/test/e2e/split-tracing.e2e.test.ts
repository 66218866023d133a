// Tracing across processes: with OTEL_EXPORTER_OTLP_ENDPOINT set, apps/api and the notifications
// service export spans over OTLP/HTTP (here to an in-memory receiver of the test), and one trace
// runs from POST /orders through the outbox relay and the broker to the order confirmation being
// sent in the other process: the traceparent stored with the outbox row and carried in the
// message headers links them. That the check can fail: spanAncestry's unit test (@orderly/testing)
// and the kernel's jetstream-tracing.test.ts, where a message without the header is consumed in a
// trace of its own.
import { brokerAvailable, eventually, spanAncestry, startTestTraceCollector, type AppProcess, type TestTraceCollector } from '@orderly/testing';
import { createProduct, placeOrder, query, startApi, startNotificationsService, startSplitStack, type SplitStack } from './split-processes.js';

const describeWithBroker = brokerAvailable() ? describe : describe.skip;

describeWithBroker('one trace across the API and the notifications service', () => {
  let stack: SplitStack;
  let collector: TestTraceCollector;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    [stack, collector] = await Promise.all([startSplitStack(), startTestTraceCollector()]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGKILL')));
    await Promise.all([stack?.stop(), collector?.stop()]);
  });

  it('links POST /orders to the confirmation sent by the notifications service', async () => {
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const api = await startApi(stack.database, stack.nats.url, stack.issuer, { ...tracing, OTEL_SERVICE_NAME: 'orderly-api' });
    running.push(api);
    const service = await startNotificationsService(stack.database, stack.nats.url, stack.issuer, tracing);
    running.push(service);
    const productId = await createProduct(api.url, 'TRACED', stack.issuer);
    const orderId = (await placeOrder(api.url, productId, 1, stack.issuer))!;
    expect(orderId).toBeDefined();

    const [row] = await query<{ traceparent: string | null }>(stack.postgres.adminUrl, `SELECT traceparent FROM orders.outbox WHERE aggregate_id = $1 AND type = 'orders.OrderPlaced'`, [orderId]);
    expect(row!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const traceId = row!.traceparent!.split('-')[1]!;

    const chain = await eventually(
      async () => {
        const spans = collector.spans().filter((s) => s.traceId === traceId);
        const sent = spans.find((s) => s.service === 'orderly-notifications' && s.name === 'deliver orders.OrderPlaced to notifications.SendOrderConfirmation');
        if (!sent) return undefined;
        const up = spanAncestry(sent, spans);
        return up[up.length - 1]!.name === 'POST /orders' ? up : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // The consumer's span, the relay's delivery to the broker in the API, and the request.
    expect(chain.map((s) => `${s.service}: ${s.name}`)).toEqual([
      'orderly-notifications: deliver orders.OrderPlaced to notifications.SendOrderConfirmation',
      'orderly-api: deliver orders.OrderPlaced to broker.JetStreamPublisher',
      'orderly-api: POST /orders',
    ]);
    expect(chain.map((s) => s.kind)).toEqual([5, 1, 2]); // consumer, internal, server
    const [sent] = await query<{ status: string }>(stack.postgres.adminUrl, `SELECT status FROM notifications.notifications WHERE order_id = $1 AND template = 'order-confirmation'`, [orderId]);
    expect(sent).toBeDefined();
  }, 300_000);
});
