// Notifications as its own service: apps/api with EVENTS_BROKER_URL publishes to a real NATS
// JetStream server and no longer runs notifications; apps/notifications-service consumes the
// events and records every confirmation exactly once - through a broker outage, on its own
// database, and with two instances of each process.
import { brokerAvailable, eventually, startTestNatsServer, startTestPostgres, type AppProcess, type TestNatsServer, type TestPostgres } from '@orderly/testing';
import { createProduct, ensureBuilt, json, placeOrder, query, startApi, startNotificationsService } from './split-processes.js';

const describeWithBroker = brokerAvailable() ? describe : describe.skip;

describeWithBroker('notifications as its own service over NATS JetStream', () => {
  let postgres: TestPostgres;
  let nats: TestNatsServer;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    [postgres, nats] = await Promise.all([startTestPostgres(), startTestNatsServer()]);
  }, 300_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill('SIGKILL')));
  });

  afterAll(async () => {
    await Promise.all([postgres?.stop(), nats?.stop()]);
  });

  /** Per order id: the templates recorded for it, oldest first. */
  async function notificationsByOrder(databaseUrl: string, orderIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await query<{ order_id: string; template: string }>(
      databaseUrl,
      `SELECT order_id, template FROM notifications.notifications WHERE order_id = ANY($1) ORDER BY created_at, id`,
      [orderIds],
    );
    const byOrder = new Map<string, string[]>();
    for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row.template]);
    return byOrder;
  }

  it('confirms every order exactly once, including orders accepted while the broker was down for several seconds', async () => {
    const api = await startApi(postgres.adminUrl, nats.url);
    running.push(api);
    const service = await startNotificationsService(postgres.adminUrl, nats.url);
    running.push(service);

    const productId = await createProduct(api.url, 'SPLIT-OUTAGE');
    const accepted: string[] = [];
    for (let n = 0; n < 5; n++) accepted.push((await placeOrder(api.url, productId, n))!);

    await nats.kill();
    const outage = Date.now();
    let n = 100;
    while (Date.now() - outage < 4_000) accepted.push((await placeOrder(api.url, productId, n++))!);
    expect(accepted.every((id) => typeof id === 'string')).toBe(true); // the outbox held them: every order was accepted
    await nats.restart();

    const byOrder = await eventually(
      async () => {
        const found = await notificationsByOrder(postgres.adminUrl, accepted);
        return found.size === accepted.length ? found : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect([...byOrder.values()].every((templates) => templates.join() === 'order-confirmation')).toBe(true);

    // The service serves GET /notifications; the API no longer does.
    const listed = await json<{ items: { template: string }[] }>(`${service.url}/notifications?orderId=${accepted[0]}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i) => i.template)).toEqual(['order-confirmation']);
    expect((await json(`${api.url}/notifications?orderId=${accepted[0]}`)).status).toBe(404);
    // Same error format as the API.
    const bad = await fetch(`${service.url}/notifications?orderId=not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${service.url}/metrics`)).text()).toContain('orderly_http_request_duration_seconds');

    await eventually(async () => {
      const [stuck] = await query<{ n: number }>(postgres.adminUrl, `SELECT count(*)::int AS n FROM orders.outbox WHERE status <> 'delivered'`);
      return stuck!.n === 0 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(await query(postgres.adminUrl, `SELECT id FROM notifications.outbox WHERE status = 'dead'`)).toEqual([]);
  }, 300_000);

  it('runs on its own DATABASE_URL, apart from the API’s database', async () => {
    const own = await startTestPostgres();
    try {
      const api = await startApi(postgres.adminUrl, nats.url);
      running.push(api);
      const service = await startNotificationsService(own.adminUrl, nats.url);
      running.push(service);
      const productId = await createProduct(api.url, 'SPLIT-OWN-DB');
      const accepted = [(await placeOrder(api.url, productId, 1))!, (await placeOrder(api.url, productId, 2))!];
      const byOrder = await eventually(async () => {
        const found = await notificationsByOrder(own.adminUrl, accepted);
        return found.size === 2 ? found : undefined;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      expect([...byOrder.values()]).toEqual([['order-confirmation'], ['order-confirmation']]);
      const [apiSide] = await query<{ rows: number }>(postgres.adminUrl, `SELECT count(*)::int AS rows FROM notifications.notifications WHERE order_id = ANY($1)`, [accepted]);
      expect(apiSide!.rows).toBe(0);
    } finally {
      await Promise.all(running.splice(0).map((p) => p.kill('SIGKILL')));
      await own.stop();
    }
  }, 300_000);

  it('with two API instances and two notifications services: each confirmation once, each order’s events in order', async () => {
    const apis = await Promise.all([startApi(postgres.adminUrl, nats.url), startApi(postgres.adminUrl, nats.url)]);
    running.push(...apis);
    const services = await Promise.all([startNotificationsService(postgres.adminUrl, nats.url), startNotificationsService(postgres.adminUrl, nats.url)]);
    running.push(...services);

    const productId = await createProduct(apis[0]!.url, 'SPLIT-TWO-BY-TWO');
    const placed = (await Promise.all(Array.from({ length: 30 }, (_, n) => placeOrder(apis[n % 2]!.url, productId, n)))).filter((id): id is string => !!id);
    expect(placed).toHaveLength(30);
    // Every third order is cancelled at once, through the other instance: its confirmation and its
    // cancellation e-mail travel one after the other, possibly through different services.
    const cancelled: string[] = [];
    for (const [n, id] of placed.entries()) {
      if (n % 3 !== 0) continue;
      const res = await json(`${apis[(n + 1) % 2]!.url}/orders/${id}/cancel`, 'POST');
      if (res.status === 200) cancelled.push(id);
    }
    expect(cancelled.length).toBeGreaterThan(0);

    const byOrder = await eventually(async () => {
      const found = await notificationsByOrder(postgres.adminUrl, placed);
      const complete = placed.every((id) => (found.get(id)?.length ?? 0) === (cancelled.includes(id) ? 2 : 1));
      return complete ? found : undefined;
    }, { timeoutMs: 120_000, intervalMs: 250 });
    for (const id of placed) {
      expect(byOrder.get(id)).toEqual(cancelled.includes(id) ? ['order-confirmation', 'order-cancelled'] : ['order-confirmation']);
    }
    const handledBy = await Promise.all(services.map(async (s) => (await fetch(`${s.url}/metrics`)).status));
    expect(handledBy).toEqual([200, 200]);
  }, 300_000);
});
