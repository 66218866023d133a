// Issue 15's measurements of event delivery (docs/performance.md, "Events"):
// - open loop: the maximum sustained POST /orders rate (closed-loop saturation, counting an order
//   only once its events are delivered too), then a fixed arrival rate of 50 % and 80 % of it, each order sent on schedule whether or not earlier ones
//   were answered (no coordinated omission); delivery latency = order committed (outbox
//   occurred_at) -> confirmation recorded (notifications.created_at); NOTIFYs counted per order;
// - drain: how long the outbox takes to empty after the closed-loop saturation run;
// - relay throughput on its own: events delivered per second from a pre-filled outbox with three
//   subscribers, and the same with one of them failing every delivery.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Agent, request } from 'node:http';
import {
  createMessagingSchema,
  createModuleDataSource,
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  LATEST_MESSAGING_VERSION,
  OutboxRelay,
  provisionModuleDatabases,
  UnitOfWork,
} from '@orderly/kernel';
import pg from 'pg';
import { sleep } from './processes.mjs';
import { percentile, round } from './stats.mjs';

export const EVENT_SETTINGS = {
  quick: { saturationSeconds: 4, openLoopSeconds: 3, relayEvents: 1_000 },
  full: { saturationSeconds: 10, openLoopSeconds: 20, relayEvents: 100_000 },
  // `npm run bench -- --events`: the event measurements alone, for comparing two builds back to back.
  events: { saturationSeconds: 5, openLoopSeconds: 10, relayEvents: 20_000 },
};

/** The machine's 1-minute load average, printed with every figure (the bench machine is often shared). */
const load = () => round(loadavg()[0], 2);

/**
 * Runs every event measurement against a running Orderly (`url`) on the bench database (`db`).
 * `orderBody()` makes one order, sent with `headers` (the customer's bearer token); `log` reports
 * progress; `waitForDrained(admin)` (ms until the orders outbox has nothing pending) and
 * `deliveryLatencies(admin, from, to)` are run-bench's own.
 */
export async function measureEvents({ url, db, orderBody, headers, settings, log, waitForDrained, deliveryLatencies }) {
  const probes = { waitForDrained, deliveryLatencies, headers };
  const saturation = await measureSaturation({ url, db, orderBody, seconds: settings.saturationSeconds, ...probes });
  log(`events: max sustained POST /orders ${saturation.sustainedPerSecond} orders/s with their events delivered (closed loop, c=64: ${saturation.requestsPerSecond} req/s answered, outbox drained ${saturation.drainMs} ms after; load ${saturation.loadAverage})`);
  const openLoop = [];
  for (const share of [0.5, 0.8]) {
    const rate = Math.max(1, Math.round((settings.capacity ?? saturation.sustainedPerSecond) * share));
    const run = await measureOpenLoop({ url, db, orderBody, rate, seconds: settings.openLoopSeconds, ...probes });
    openLoop.push({ share, ...run });
    log(`events: open loop ${Math.round(share * 100)} % = ${rate} orders/s: delivery p50 ${run.p50Ms} ms p99 ${run.p99Ms} ms (${run.events} events), ${run.notifiesPerOrder} NOTIFY per order, drained ${run.drainMs} ms after (load ${run.loadAverage})`);
  }
  const relay = await measureRelayThroughput({ adminUrl: db.adminUrl, events: settings.relayEvents, log });
  return { saturation, openLoop, relay };
}

/**
 * Issue 16: the same open-loop rates as `inProcess` (measureEvents' openLoop), offered for the same
 * `seconds`, with notifications as its own service behind NATS JetStream. `startSplit()` starts the
 * broker, the API with EVENTS_BROKER_URL and the notifications service on the bench database
 * (nothing else may run a relay over orders' outbox meanwhile) and returns `{ url, stop() }`.
 * Delivery is the same span as in-process - order committed (outbox occurred_at) -> confirmation
 * recorded (notifications.created_at) - now through the relay's publish, the broker and the
 * service's consumer; "drained" waits until every order placed has its confirmation, since the
 * API's outbox empties once the broker has acknowledged, before the service has consumed.
 */
export async function measureSplitDelivery({ startSplit, db, orderBody, headers, inProcess, seconds, log, waitForDrained, deliveryLatencies }) {
  const started = performance.now();
  const split = await startSplit();
  const readyMs = Math.round(performance.now() - started);
  const since = new Date();
  const waitForConfirmed = async (admin) => {
    const t = performance.now();
    await waitForDrained(admin);
    await waitForConfirmations(admin, since);
    return Math.round(performance.now() - t);
  };
  const probes = { waitForDrained: waitForConfirmed, deliveryLatencies, headers };
  try {
    // Warm-up, as the in-process API was warmed by the bench's seeding: the service's consumers
    // are created, both processes' code paths compiled; not measured.
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const target = new URL('/orders', split.url);
    for (let i = 0; i < 40; i += 8) await Promise.all(Array.from({ length: 8 }, () => post(agent, target, orderBody(), headers)));
    agent.destroy();
    await waitForConfirmed(db.admin);
    log(`events (split): broker, API and notifications service ready in ${readyMs} ms; warmed up with 40 orders (load ${load()})`);
    const openLoop = [];
    for (const { share, rate } of inProcess) {
      const run = await measureOpenLoop({ url: split.url, db, orderBody, rate, seconds, ...probes });
      openLoop.push({ share, ...run });
      log(`events (split): open loop ${Math.round(share * 100)} % = ${rate} orders/s: delivery p50 ${run.p50Ms} ms p99 ${run.p99Ms} ms (${run.events} events), all confirmed ${run.drainMs} ms after (load ${run.loadAverage})`);
    }
    return { readyMs, seconds, openLoop };
  } finally {
    await split.stop();
  }
}

/** Waits until every OrderPlaced written since `since` has its confirmation recorded (5 minutes at most). */
async function waitForConfirmations(admin, since, timeoutMs = 300_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM orders.outbox o
        WHERE o.type = 'orders.OrderPlaced' AND o.occurred_at >= $1
          AND NOT EXISTS (SELECT 1 FROM notifications.notifications n WHERE n.order_id = o.aggregate_id::uuid)`,
      [since],
    );
    if (rows[0].n === 0) return;
    if (performance.now() > deadline) throw new Error(`${rows[0].n} orders still without a confirmation after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Closed-loop saturation (64 connections): the highest rate the API answers, the drain after it,
 * and the rate it sustains - orders answered over the window plus the drain. While the API answers
 * faster than its relay delivers, the outbox grows; that rate is not sustained (the backlog would
 * grow without bound), so the open loop is offered shares of the sustained one.
 */
async function measureSaturation({ url, db, orderBody, seconds, waitForDrained, headers }) {
  await waitForDrained(db.admin);
  const request = { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json', ...headers }, setupRequest: (req) => ({ ...req, body: JSON.stringify(orderBody()) }) };
  const r = await autocannon({ url, connections: 64, duration: seconds, requests: [request], timeout: 20 });
  const drainMs = await waitForDrained(db.admin);
  return {
    requestsPerSecond: round(r['2xx'] / r.duration),
    sustainedPerSecond: round(r['2xx'] / (r.duration + drainMs / 1000)),
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    drainMs,
    loadAverage: load(),
  };
}

/**
 * Sends `rate` orders per second for `seconds`, each at its scheduled time on its own request
 * (keep-alive sockets, up to 512 open), then reads each order's delivery latency from the
 * database. Counts the NOTIFYs PostgreSQL delivered on the orders outbox channel meanwhile.
 */
async function measureOpenLoop({ url, db, orderBody, rate, seconds, waitForDrained, deliveryLatencies, headers }) {
  await waitForDrained(db.admin);
  const listener = new pg.Client(db.adminUrl);
  await listener.connect();
  let notifies = 0;
  listener.on('notification', () => notifies++);
  await listener.query('LISTEN orderly_outbox_orders');
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const target = new URL('/orders', url);
  const startedAt = new Date();
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  const answers = [];
  let late = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else if (wait < -50) late++;
    answers.push(post(agent, target, orderBody(), headers));
  }
  const statuses = await Promise.all(answers);
  const endedAt = new Date();
  const drainMs = await waitForDrained(db.admin);
  await sleep(100);
  await listener.end();
  agent.destroy();
  const latencies = await deliveryLatencies(db.admin, startedAt, endedAt);
  const created = statuses.filter((s) => s === 201).length;
  return {
    rate,
    sent: total,
    created,
    failed: total - created,
    sentLate: late,
    events: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(0, ...latencies)),
    notifies,
    notifiesPerOrder: round(notifies / Math.max(1, created), 3),
    drainMs,
    loadAverage: load(),
  };
}

function post(agent, target, body, headers) {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers }, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(payload);
  });
}

// --- relay throughput on its own -------------------------------------------------------------

const RELAY_EVENT = { type: 'relaybench.Happened', version: 1, problems: () => [] };
// Three subscribers of three modules (consumers), as OrderPlaced's are: one module's subscribers
// would see an aggregate's events in order across them, so one failing would hold the others back.
const SUBSCRIBERS = ['first.Subscriber', 'second.Subscriber', 'third.Subscriber'];

function relayBenchModule() {
  const schema = 'relaybench';
  class CreateRelayBench1700000000000 {
    // The modules' tables as they are today (every version step, indexes included): a relay
    // measured on older tables measures statements the modules no longer run the way they do.
    async up(queryRunner) {
      await createMessagingSchema(queryRunner, schema, LATEST_MESSAGING_VERSION);
    }
    async down() {}
  }
  return { module: schema, schema, role: 'bench_relaybench', entities: [], migrations: [CreateRelayBench1700000000000] };
}

/**
 * A module of its own ("relaybench") on the bench's PostgreSQL: `events` events of 1,000
 * aggregates written at once (generate_series), then one relay with the default options delivers
 * them to three subscribers whose handlers each run one inbox transaction (as Orderly's do), each
 * on a handler pool of its own (as each module has).
 * Measured twice: all three healthy, then with the third failing every delivery (retried with
 * backoff, dead-lettered after the default attempts) - the healthy two must keep their pace.
 */
async function measureRelayThroughput({ adminUrl, events, log }) {
  const definition = relayBenchModule();
  const connections = await provisionModuleDatabases({ adminUrl, roleSecret: randomBytes(32).toString('base64url'), modules: [definition] });
  const connection = { ...connections.get('relaybench'), handlerPoolSize: DEFAULT_HANDLER_POOL_SIZE };
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  // As in the app: the relay on the publisher's relay pool, each subscriber on its own module's handler pool.
  const handlers = createModuleDataSource(definition, connection, 'relay');
  const subscriberPools = SUBSCRIBERS.map(() => createModuleDataSource(definition, connection, 'handlers'));
  for (const pool of [handlers, ...subscriberPools]) await pool.initialize();
  const results = {};
  try {
    for (const failing of [null, 'third.Subscriber']) {
      await admin.query('TRUNCATE relaybench.outbox, relaybench.outbox_delivery, relaybench.inbox');
      await admin.query(
        `INSERT INTO relaybench.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at)
         SELECT gen_random_uuid(), $2, 1, 'agg-' || (n % 1000), 'bench', '{"n":1}', now() FROM generate_series(1, $1::int) n`,
        [events, RELAY_EVENT.type],
      );
      const transport = new InProcessEventTransport();
      const healthy = SUBSCRIBERS.filter((s) => s !== failing);
      // Events each healthy subscriber has handled (its transaction committed); the relay then
      // completes them. Counted here rather than polled with count(*) over the delivery table,
      // which would read the whole table every few milliseconds beside the relay it measures.
      let unhandled = events * healthy.length;
      let allHandled;
      const everyEventHandled = new Promise((resolve) => (allHandled = resolve));
      for (const [i, name] of SUBSCRIBERS.entries()) {
        const uow = new UnitOfWork(subscriberPools[i], 'relaybench');
        transport.subscribe(RELAY_EVENT, {
          name,
          handle: async (event) => {
            if (name === failing) throw new Error('always failing');
            // As Orderly's: two subscribers' work is database-only and shares a transaction per
            // batch (orders' read model, products' reservation), the e-mail's does not.
            const first = await uow.transactionOnce(event, name, async () => undefined, { shareTransaction: name !== 'third.Subscriber' });
            if (first && --unhandled === 0) allHandled();
          },
        });
      }
      const quiet = { warn: () => undefined, error: () => undefined };
      const relay = new OutboxRelay(handlers, 'relaybench', connection.url, transport, DEFAULT_RELAY_OPTIONS, quiet);
      const started = performance.now();
      await relay.start();
      await everyEventHandled;
      // Then until the relay has completed the last of them (few are left: the pending index is small).
      for (;;) {
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM relaybench.outbox_delivery WHERE status = 'pending' AND subscriber = ANY($1::text[])`,
          [healthy],
        );
        if (rows[0].n === 0) break;
        await sleep(20);
      }
      const seconds = (performance.now() - started) / 1000;
      await relay.stop();
      const key = failing ? 'oneFailing' : 'allHealthy';
      results[key] = { events, subscribers: SUBSCRIBERS.length, healthySubscribers: healthy.length, seconds: round(seconds, 1), eventsPerSecond: round(events / seconds), deliveriesPerSecond: round((events * healthy.length) / seconds), loadAverage: load() };
      log(`events: relay throughput ${failing ? `with ${failing} failing every delivery` : 'three healthy subscribers'}: ${results[key].eventsPerSecond} events/s to each healthy subscriber (${results[key].deliveriesPerSecond} deliveries/s, ${events} events in ${results[key].seconds} s; load ${results[key].loadAverage})`);
    }
  } finally {
    for (const pool of [handlers, ...subscriberPools]) await pool.destroy();
    await admin.query('DROP SCHEMA relaybench CASCADE').catch(() => undefined);
    await admin.end();
  }
  results.healthyPaceKept = round(results.oneFailing.eventsPerSecond / results.allHealthy.eventsPerSecond, 2);
  return results;
}

const DEFAULT_HANDLER_POOL_SIZE = 2; // Orderly's EVENT_HANDLER_POOL_SIZE default

export function renderEventsTable(e) {
  return [
    `events (issue 15): max sustained POST /orders ${e.saturation.sustainedPerSecond} orders/s with their events delivered (closed loop, c=64: ${e.saturation.requestsPerSecond} req/s answered, p99 ${e.saturation.p99Ms} ms; outbox drained ${e.saturation.drainMs} ms after); the open loop offers shares of the sustained rate`,
    '',
    `| open loop | orders/s | sent | 201 | sent late | delivery p50 ms | p99 ms | max ms | NOTIFY/order | drained after ms |`,
    `|----------:|---------:|-----:|----:|----------:|----------------:|-------:|-------:|-------------:|-----------------:|`,
    ...e.openLoop.map((r) => `| ${`${Math.round(r.share * 100)} %`.padStart(9)} | ${String(r.rate).padStart(8)} | ${String(r.sent).padStart(4)} | ${String(r.created).padStart(3)} | ${String(r.sentLate).padStart(9)} | ${String(r.p50Ms).padStart(15)} | ${String(r.p99Ms).padStart(6)} | ${String(r.maxMs).padStart(6)} | ${String(r.notifiesPerOrder).padStart(12)} | ${String(r.drainMs).padStart(16)} |`),
    '',
    `delivery = order committed (outbox occurred_at) -> confirmation recorded (notifications.created_at); sent late = requests the client itself sent over 50 ms behind schedule`,
    `relay alone, pre-filled outbox of ${e.relay.allHealthy.events} events, 3 subscribers (one inbox transaction each): ${e.relay.allHealthy.eventsPerSecond} events/s (${e.relay.allHealthy.deliveriesPerSecond} deliveries/s);` +
      ` with one failing every delivery: ${e.relay.oneFailing.eventsPerSecond} events/s to each healthy one (${Math.round(e.relay.healthyPaceKept * 100)} % of the pace)`,
    '',
    ...renderSplitTable(e),
  ].join('\n');
}

/** Issue 16: split-mode delivery beside the in-process figure at the same offered rates. */
function renderSplitTable(e) {
  if (!e.split) return [];
  if (e.split.notMeasured) return [`split mode (notifications as its own service over NATS JetStream): not measured: ${e.split.notMeasured}`];
  const ratio = (a, b) => (a > 0 ? `${round(b / a, 2)}x` : '-');
  return [
    `split mode (issue 16): the same rates with notifications as its own service over NATS JetStream (API + notifications service + nats-server, ${e.split.seconds} s per rate; ready in ${e.split.readyMs} ms)`,
    '',
    `| open loop | orders/s | in-process p50 ms | split p50 ms | ratio | in-process p99 ms | split p99 ms | ratio | split 201 | split confirmed after ms |  load |`,
    `|----------:|---------:|------------------:|-------------:|------:|------------------:|-------------:|------:|----------:|-------------------------:|------:|`,
    ...e.split.openLoop.map((s) => {
      const i = e.openLoop.find((r) => r.share === s.share);
      return `| ${`${Math.round(s.share * 100)} %`.padStart(9)} | ${String(s.rate).padStart(8)} | ${String(i.p50Ms).padStart(17)} | ${String(s.p50Ms).padStart(12)} | ${ratio(i.p50Ms, s.p50Ms).padStart(5)} | ${String(i.p99Ms).padStart(17)} | ${String(s.p99Ms).padStart(12)} | ${ratio(i.p99Ms, s.p99Ms).padStart(5)} | ${`${s.created}/${s.sent}`.padStart(9)} | ${String(s.drainMs).padStart(24)} | ${String(s.loadAverage).padStart(5)} |`;
    }),
    '',
    `ratio = split / in-process; split delivery = order committed in the API -> confirmation recorded by the notifications service (relay publish, JetStream, durable consumer)`,
  ];
}
