// What operators rely on: request ids, one log line per request, metrics, health.
import { ModuleDatabases } from '@orderly/kernel';
import { eventually } from '@orderly/testing';
import { moduleDatabases } from '../../src/database/module-databases.js';
import { CapturedLogs, http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
const logs = new CapturedLogs();

beforeAll(async () => {
  sut = await startOrderlyForTest({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, { logDestination: logs });
});
afterAll(async () => {
  await sut?.stop();
});

async function metric(series: string): Promise<number> {
  const res = await fetch(`${sut.managementUrl}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

describe('request ids', () => {
  it('echoes an acceptable X-Request-Id', async () => {
    const res = await http(sut.url, 'GET', '/products?limit=1', undefined, { 'X-Request-Id': 'gateway-1234.abc:9' });
    expect(res.headers.get('x-request-id')).toBe('gateway-1234.abc:9');
  });

  it('generates one when none is sent', async () => {
    const res = await http(sut.url, 'GET', '/products?limit=1');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with unsafe characters', 'abc def<script>'],
    ['empty', ''],
  ])('replaces one that is %s with a fresh id', async (_what, sent) => {
    const res = await http(sut.url, 'GET', '/products?limit=1', undefined, { 'X-Request-Id': sent });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the request id into the events the request publishes and into the logs of their handlers', async () => {
    const productId = await sut.createProduct(5);
    const requestId = `req-${Date.now()}`;
    const placed = await http(sut.url, 'POST', '/orders', { customerEmail: 'ops@example.com', items: [{ productId, quantity: 1 }] }, { ...sut.customer('ops@example.com'), 'X-Request-Id': requestId });
    expect(placed.status).toBe(201);
    const { rows } = await sut.db.query('SELECT correlation_id FROM orders.outbox WHERE aggregate_id = $1', [placed.body.id]);
    expect(rows).toEqual([{ correlation_id: requestId }]);
    // notifications sends the confirmation while handling OrderPlaced, in the relay, not the request
    const emailLine = await eventually(async () => logs.where((l) => l.context === 'Email' && l.correlationId === requestId)[0]);
    expect(emailLine.msg).toContain('to=o***@example.com'); // the recipient masked: no personal data in logs
  });
});

describe('logs', () => {
  it('writes one JSON line per request with method, route, status, duration and request id', async () => {
    const res = await http(sut.url, 'GET', '/orders/00000000-0000-4000-8000-00000000abcd', undefined, { ...sut.staff, 'X-Request-Id': 'log-line-1' });
    expect(res.status).toBe(404);
    const lines = await eventually(async () => {
      const found = logs.where((l) => l.requestId === 'log-line-1');
      return found.length > 0 ? found : undefined;
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        route: '/orders/:id',
        url: '/orders/00000000-0000-4000-8000-00000000abcd',
        status: 404,
        durationMs: expect.any(Number),
        requestId: 'log-line-1',
        msg: 'GET /orders/:id 404 ' + lines[0]!.durationMs + ' ms',
      }),
    ]);
  });

  it('tags every line written while handling a request with its id, even before routing', async () => {
    const res = await http(sut.url, 'POST', '/orders', '{"broken": ', { 'X-Request-Id': 'log-line-2' });
    expect(res.status).toBe(400);
    const lines = await eventually(async () => logs.where((l) => l.requestId === 'log-line-2')[0]);
    expect(lines).toMatchObject({ route: '/orders', status: 400, method: 'POST' });
  });

  it('routes the Nest logger through pino, with its start-up chatter at debug only', async () => {
    // A module's Nest Logger line (the logged confirmation e-mail of an order placed above).
    expect(await eventually(async () => logs.where((l) => l.context === 'Email')[0])).toMatchObject({ level: 'info', service: 'orderly' });
    expect(logs.where((l) => ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'].includes(l.context))).toEqual([]);
  });

  it('routes the relay logs through pino', async () => {
    // Cut the orders relay's LISTEN connection: the relay warns and falls back to polling.
    await sut.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'orderly-relay-orders'`);
    const warning = await eventually(async () => logs.where((l) => l.context === 'Relay:orders')[0]);
    expect(warning).toMatchObject({ level: 'warn', service: 'orderly' });
    expect(warning.msg).toContain('lost its connection');
  });
});

describe('metrics', () => {
  it('serves Prometheus text with the HTTP, order, stock, outbox and delivery series', async () => {
    await http(sut.url, 'GET', '/products?limit=1');
    const res = await fetch(`${sut.managementUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const series of [
      'orderly_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/products",status="200"}',
      'orderly_orders_placed_total',
      'orderly_stock_refusals_total',
      'orderly_outbox_pending_events{module="orders"}',
      'orderly_outbox_pending_events{module="products"}',
      'orderly_outbox_pending_events{module="notifications"}',
      'orderly_outbox_oldest_pending_age_seconds{module="orders"}',
      '# TYPE orderly_event_delivery_latency_seconds histogram',
    ]) {
      expect(text).toContain(series);
    }
  });

  it('counts placed orders, stock refusals, HTTP requests by route and event delivery latency', async () => {
    const productId = await sut.createProduct(1);
    const placedBefore = await metric('orderly_orders_placed_total');
    const refusedBefore = await metric('orderly_stock_refusals_total');
    const ordersPosted = 'orderly_http_request_duration_seconds_count{method="POST",route="/orders",status="201"}';
    const postedBefore = (await metric(ordersPosted)) || 0;
    const deliveredBefore = (await metric('orderly_event_delivery_latency_seconds_count{module="orders",subscriber="notifications.SendOrderConfirmation",type="orders.OrderPlaced"}')) || 0;

    expect((await http(sut.url, 'POST', '/orders', { customerEmail: 'a@example.com', items: [{ productId, quantity: 1 }] }, sut.customer('a@example.com'))).status).toBe(201);
    expect((await http(sut.url, 'POST', '/orders', { customerEmail: 'b@example.com', items: [{ productId, quantity: 1 }] }, sut.customer('b@example.com'))).status).toBe(409);

    expect(await metric('orderly_orders_placed_total')).toBe(placedBefore + 1);
    expect(await metric('orderly_stock_refusals_total')).toBe(refusedBefore + 1);
    expect(await metric(ordersPosted)).toBe(postedBefore + 1);
    await eventually(async () => ((await metric('orderly_event_delivery_latency_seconds_count{module="orders",subscriber="notifications.SendOrderConfirmation",type="orders.OrderPlaced"}')) === deliveredBefore + 1 ? true : undefined));
  });

  it('counts an order placed with an Idempotency-Key once, however often the request is replayed', async () => {
    const productId = await sut.createProduct(5);
    const placedBefore = await metric('orderly_orders_placed_total');
    const order = { customerEmail: 'replay@example.com', items: [{ productId, quantity: 1 }] };
    const first = await http(sut.url, 'POST', '/orders', order, { ...sut.customer(order.customerEmail), 'Idempotency-Key': 'metrics-replay-1' });
    const replay = await http(sut.url, 'POST', '/orders', order, { ...sut.customer(order.customerEmail), 'Idempotency-Key': 'metrics-replay-1' });
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await metric('orderly_orders_placed_total')).toBe(placedBefore + 1);
  });

  it('reports what waits in an outbox and for how long', async () => {
    // Let the relay empty the outbox first, so only the parked event below waits.
    await eventually(async () => ((await metric('orderly_outbox_pending_events{module="orders"}')) === 0 ? true : undefined));
    await sut.db.query(`INSERT INTO orders.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at, status, next_attempt_at)
                    VALUES (gen_random_uuid(), 'test.Parked', 1, 'parked', 'metrics-test', '{}', now() - interval '90 seconds', 'pending', now() + interval '1 hour')`);
    expect(await metric('orderly_outbox_pending_events{module="orders"}')).toBe(1);
    expect(await metric('orderly_outbox_oldest_pending_age_seconds{module="orders"}')).toBeGreaterThanOrEqual(90);
    await sut.db.query(`DELETE FROM orders.outbox WHERE correlation_id = 'metrics-test'`);
    expect(await metric('orderly_outbox_pending_events{module="orders"}')).toBe(0);
    expect(await metric('orderly_outbox_oldest_pending_age_seconds{module="orders"}')).toBe(0);
  });
});

describe('the management listener', () => {
  it('serves /metrics and the detailed readiness there, and neither on the public port', async () => {
    expect((await http(sut.url, 'GET', '/metrics')).status).toBe(404);
    expect(new URL(sut.managementUrl).hostname).toBe('127.0.0.1');
    const metrics = await fetch(`${sut.managementUrl}/metrics`);
    expect(metrics.status).toBe(200);
    const ready = await fetch(`${sut.managementUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).details['orders.database']).toEqual({ status: 'up' });
    expect((await fetch(`${sut.managementUrl}/health/live`)).status).toBe(200);
    const unknown = await fetch(`${sut.managementUrl}/orders`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('health', () => {
  it('is live', async () => {
    const res = await http(sut.url, 'GET', '/health/live');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('is ready when every module database answers and every relay runs', async () => {
    const res = await http(sut.url, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    // Every module the app is wired with (a module made by `npm run new-module` too).
    const checks = ['http', ...moduleDatabases.flatMap((m) => [`${m.module}.database`, `${m.module}.relay`])];
    expect(Object.keys(res.body.details).sort()).toEqual(checks.sort());
  });

  it('answers 503 naming a relay that runs but keeps failing to fan out events, and is ready again once it works', async () => {
    // The class of failure a module generated with old messaging tables had: the relay runs, delivers nothing.
    await sut.db.query('ALTER TABLE orders.outbox_delivery RENAME TO outbox_delivery_away');
    try {
      const unready = await eventually(async () => {
        const res = await fetch(`${sut.managementUrl}/health/ready`);
        return res.status === 503 ? ((await res.json()) as any) : undefined;
      }, { timeoutMs: 120_000 });
      expect(unready.failing).toEqual(['orders.relay']);
      expect(unready.detail).toMatch(/orders\.relay \(the event relay cannot fan out events: .*outbox_delivery/);
    } finally {
      await sut.db.query('ALTER TABLE orders.outbox_delivery_away RENAME TO outbox_delivery');
    }
    await eventually(async () => ((await http(sut.url, 'GET', '/health/ready')).status === 200 ? true : undefined), { timeoutMs: 60_000 });
  }, 240_000);

  // Last: it breaks the app on purpose.
  it('answers 503 problem+json naming the failing checks when a relay stops or a database is gone', async () => {
    const databases = sut.orderly.app.get(ModuleDatabases, { strict: false }).list();
    await databases.find((d) => d.module === 'notifications')!.relay.stop();
    let res = await http(sut.url, 'GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, title: 'Not ready', failing: ['notifications.relay'] });
    // Why it fails is for operators: the management listener says it, the public port does not.
    expect(res.body.detail).toBe('Failing checks: notifications.relay.');
    let detailed = await fetch(`${sut.managementUrl}/health/ready`);
    expect(detailed.status).toBe(503);
    expect(detailed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await detailed.json()) as any).detail).toBe('Failing checks: notifications.relay (the event relay is not running).');

    await databases.find((d) => d.module === 'products')!.dataSource.destroy();
    res = await http(sut.url, 'GET', '/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.failing.sort()).toEqual(['notifications.relay', 'products.database']);
    expect(JSON.stringify(res.body)).not.toMatch(/products\.database \(|"message"/);
    detailed = await fetch(`${sut.managementUrl}/health/ready`);
    const problem = (await detailed.json()) as any;
    expect(problem.failing.sort()).toEqual(['notifications.relay', 'products.database']);
    expect(problem.checks['products.database']).toEqual({ status: 'down', message: expect.any(String) });
    expect((await http(sut.url, 'GET', '/health/live')).status).toBe(200);
  });
});
