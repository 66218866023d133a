#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --profile]`: Orderly's production build against the raw
// baseline (bench/src/baseline-server.mjs) on one embedded PostgreSQL with the same data, the
// two servers alternated A B / B A per cell over several rounds. See docs/performance.md.
import autocannon from 'autocannon';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchDatabase } from './bench-database.mjs';
import { EVENT_SETTINGS, measureEvents, renderEventsTable } from './events-bench.mjs';
import { freePort, sleep, startServer } from './processes.mjs';
import { summariseProfile } from './profile-summary.mjs';
import { compareStatements, SqlTrace } from './sql-trace.mjs';
import { median, percentile, round } from './stats.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const profile = args.has('--profile');
const settings = quick
  ? { rounds: 1, warmupSeconds: 0.3, seconds: 1, products: 40, seedOrders: 40, concurrencies: [16, 64] }
  : { rounds: 3, warmupSeconds: 2, seconds: 5, products: 500, seedOrders: 500, concurrencies: [16, 64] };
const POOL_SIZE = 10; // Orderly's default DATABASE_POOL_SIZE, per module
const resultsDir = join(root, 'bench', 'results');
const runId = new Date().toISOString().replace(/[:.]/g, '-');
const workDir = join(tmpdir(), `orderly-bench-${process.pid}`);
const log = (message) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${message}`);
const t0 = performance.now();

mkdirSync(resultsDir, { recursive: true });
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
const appEntry = join(root, 'apps', 'api', 'dist', 'main.js');
const baselineEntry = join(root, 'bench', 'src', 'baseline-server.mjs');

const result = {
  runId,
  mode: quick ? 'quick' : 'full',
  settings,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, loadAverageAtStart: loadavg().map((l) => round(l, 2)) },
  startup: null,
  sqlMirror: null,
  runs: [],
  summary: null,
  eventDelivery: null,
  rss: null,
};

const cleanups = [];
process.once('SIGINT', async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  rmSync(workDir, { recursive: true, force: true }); // process.exit skips the finally below
  process.exit(130);
});

try {
  result.startup = await measureStartup();
  log(`launch to ready: fresh data directory ${result.startup.freshMs} ms, warm restart ${result.startup.warmMs} ms`);

  const trace = new SqlTrace();
  const db = await startBenchDatabase({ dataDir: join(workDir, 'postgres'), port: await freePort(), poolSize: POOL_SIZE, onLogLine: trace.onLogLine });
  cleanups.push(() => db.stop());
  log('PostgreSQL started and provisioned (kernel provisioning, module database definitions)');

  const orderlyPort = await freePort();
  const orderlyLaunchedAt = performance.now();
  const cpuProfDir = join(resultsDir, `profile-${runId}`);
  const orderly = await startServer({
    name: 'orderly',
    nodeArgs: [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), appEntry],
    env: { PORT: String(orderlyPort), HOST: '127.0.0.1', ...db.apiEnv, LOG_LEVEL: 'info', DEMO_DATA: 'false', DATABASE_POOL_SIZE: String(POOL_SIZE), NODE_ENV: 'production' },
    logFile: join(workDir, 'orderly.log'),
    readyUrl: `http://127.0.0.1:${orderlyPort}/products?limit=1`,
  });
  cleanups.push(() => orderly.stop());
  const baselinePort = await freePort();
  const baseline = await startServer({
    name: 'baseline',
    nodeArgs: [baselineEntry],
    env: { PORT: String(baselinePort), HOST: '127.0.0.1', PRODUCTS_URL: db.connections.get('products').url, ORDERS_URL: db.connections.get('orders').url, POOL_SIZE: String(POOL_SIZE), NODE_ENV: 'production' },
    logFile: join(workDir, 'baseline.log'),
    readyUrl: `http://127.0.0.1:${baselinePort}/health`,
  });
  cleanups.push(() => baseline.stop());
  const servers = { orderly: { ...orderly, url: `http://127.0.0.1:${orderlyPort}` }, baseline: { ...baseline, url: `http://127.0.0.1:${baselinePort}` } };

  const productIds = await seedProducts(servers.orderly.url, settings.products);
  const orderIds = await seedOrders(servers.orderly.url, productIds, settings.seedOrders);
  await waitForOutboxDrained(db.admin);
  log(`seeded ${productIds.length} products and ${orderIds.length} orders through Orderly's API`);

  result.sqlMirror = await checkSqlMirror(trace, db.admin, servers, productIds, orderIds[0]);
  log(`SQL mirror: POST /orders ${result.sqlMirror.post.identical ? 'identical' : 'DIFFERS'}, GET /orders/:id ${result.sqlMirror.get.identical ? 'identical' : 'DIFFERS'} (${result.sqlMirror.post.statements} and ${result.sqlMirror.get.statements} statements)`);
  await waitForOutboxDrained(db.admin);
  await discardPendingOutbox(db.admin);

  const cells = [];
  for (const endpoint of ['POST /orders', 'GET /orders/:id']) for (const connections of settings.concurrencies) cells.push({ endpoint, connections });
  const rssSamples = [];
  const loadStartedAt = performance.now();
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [i, cell] of cells.entries()) {
      const order = (round + i) % 2 === 1 ? ['orderly', 'baseline'] : ['baseline', 'orderly'];
      for (const name of order) {
        const run = await measure(name, servers, cell, { productIds, orderIds, db, rssSamples });
        result.runs.push({ round, ...run });
        log(`round ${round} ${cell.endpoint} c=${cell.connections} ${name.padEnd(8)} ${run.requestsPerSecond} req/s p50 ${run.p50Ms} ms p99 ${run.p99Ms} ms${run.non2xx || run.errors ? ` (non-2xx ${run.non2xx}, errors ${run.errors})` : ''}`);
      }
    }
  }

  result.rss = {
    orderlyPeakMiB: round(orderly.peakRssMiB()),
    orderlyPeakUnderLoadMiB: round(Math.max(...rssSamples)),
    baselinePeakMiB: round(baseline.peakRssMiB()),
  };
  result.summary = summarise(result.runs, cells);
  result.eventDelivery = summariseEvents(result.runs, settings.concurrencies);
  // Issue 15: open-loop delivery latency, drain after saturation, relay throughput (bench/src/events-bench.mjs).
  result.events = await measureEvents({
    url: servers.orderly.url, db, orderBody: () => orderBody(productIds), settings: EVENT_SETTINGS[result.mode], log,
    waitForDrained: (admin) => waitForOutboxDrained(admin, 300_000), deliveryLatencies,
  });
  result.machine.loadAverageAtEnd = loadavg().map((l) => round(l, 2));

  await baseline.stop();
  await orderly.stop();
  if (profile) {
    const file = readdirSync(cpuProfDir).find((f) => f.endsWith('.cpuprofile'));
    result.profile = join(cpuProfDir, file);
    // Only the load: start-up, seeding and the SQL check are left out.
    const summary = summariseProfile(result.profile, 30, (loadStartedAt - orderlyLaunchedAt) / 1000);
    writeFileSync(join(cpuProfDir, 'summary.txt'), summary + '\n');
    console.log(`\nCPU profile of Orderly (${result.profile}):\n${summary}\n`);
  }
  await db.stop();
  cleanups.length = 0;

  const table = renderTable(result);
  console.log(`\n${table}`);
  writeFileSync(join(resultsDir, `bench-${runId}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(resultsDir, `bench-${runId}.txt`), table + '\n');
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  log(`results: bench/results/bench-${runId}.json (and .txt, latest.json)`);
} catch (error) {
  console.error('bench failed:', error);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  process.exitCode = 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

/** `npm start` as an operator runs it (embedded PostgreSQL, demo data): fresh data directory, then a warm restart. */
async function measureStartup() {
  const dataDir = join(workDir, 'startup-data');
  const env = { PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), LOG_LEVEL: 'info', NODE_ENV: 'production' };
  const readyUrl = `http://127.0.0.1:${env.PORT}/products?limit=1`;
  const fresh = await startServer({ name: 'orderly (fresh data directory)', nodeArgs: [appEntry], env, logFile: join(workDir, 'startup.log'), readyUrl });
  const freshExit = await fresh.stop();
  const warm = await startServer({ name: 'orderly (warm restart)', nodeArgs: [appEntry], env, logFile: join(workDir, 'startup.log'), readyUrl });
  const warmExit = await warm.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { freshMs: Math.round(fresh.readyMs), warmMs: Math.round(warm.readyMs), exitCodes: [freshExit.code, warmExit.code] };
}

async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function inParallel(count, width, task) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) out.push(await task(next++));
  }));
  return out;
}

function seedProducts(url, count) {
  return inParallel(count, 8, async (i) =>
    (await postJson(`${url}/products`, { sku: `BENCH-${runId}-${i}`, name: `Bench product ${i}`, unitPrice: 100 + (i % 50), stock: 1_000_000 })).id,
  );
}

function orderBody(productIds) {
  return { customerEmail: 'bench@example.com', items: [{ productId: productIds[Math.floor(Math.random() * productIds.length)], quantity: 1 }] };
}

function seedOrders(url, productIds, count) {
  return inParallel(count, 8, async () => (await postJson(`${url}/orders`, orderBody(productIds))).id);
}

async function checkSqlMirror(trace, admin, servers, productIds, orderId) {
  const statementsOf = async (request) => trace.capture(admin, request);
  const post = (server) => () => postJson(`${server.url}/orders`, orderBody(productIds));
  const get = (server) => async () => {
    const res = await fetch(`${server.url}/orders/${orderId}`);
    if (res.status !== 200) throw new Error(`GET /orders/:id on ${server.name} answered ${res.status}`);
    await res.json();
  };
  const compare = async (make) => {
    const orderly = await statementsOf(make(servers.orderly));
    const baseline = await statementsOf(make(servers.baseline));
    const differences = compareStatements(orderly, baseline);
    if (differences.length > 0) console.warn(`WARNING: the baseline no longer sends Orderly's SQL; update bench/src/baseline-server.mjs:\n${differences.join('\n')}`);
    return { identical: differences.length === 0, statements: orderly.length, orderly, differences };
  };
  return { post: await compare(post), get: await compare(get) };
}

async function measure(name, servers, cell, { productIds, orderIds, db, rssSamples }) {
  const server = servers[name];
  const other = name === 'orderly' ? null : servers.orderly;
  // While the baseline runs, Orderly is paused, so its relay neither competes for the CPU nor
  // delivers the baseline's outbox rows (which the bench discards afterwards).
  other?.pause();
  try {
    const post = cell.endpoint.startsWith('POST');
    const request = post
      ? { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify(orderBody(productIds)) }) }
      : { method: 'GET', setupRequest: (req) => ({ ...req, path: `/orders/${orderIds[Math.floor(Math.random() * orderIds.length)]}` }) };
    const load = (seconds) => autocannon({ url: server.url, connections: cell.connections, duration: seconds, requests: [request], timeout: 20 });
    await load(settings.warmupSeconds);
    if (post && name === 'orderly') await waitForOutboxDrained(db.admin);
    const sampler = name === 'orderly' ? setInterval(() => rssSamples.push(server.rssMiB() ?? 0), 200) : null;
    const startedAt = new Date();
    const cpuBefore = server.cpuMs();
    const r = await load(settings.seconds);
    const cpuUsed = server.cpuMs() - cpuBefore;
    const endedAt = new Date();
    if (sampler) clearInterval(sampler);
    const run = {
      server: name,
      endpoint: cell.endpoint,
      connections: cell.connections,
      requestsPerSecond: round(r['2xx'] / r.duration),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      // Node CPU per request, this server's process only (PostgreSQL's share is the same SQL for both).
      cpuMsPerRequest: round(cpuUsed / Math.max(1, r['2xx']), 3),
    };
    if (post && name === 'orderly') {
      const drainedAfterMs = await waitForOutboxDrained(db.admin);
      run.eventDelivery = { drainedAfterLoadMs: drainedAfterMs, latenciesMs: await deliveryLatencies(db.admin, startedAt, endedAt) };
    }
    if (post && name === 'baseline') await discardPendingOutbox(db.admin);
    return run;
  } finally {
    other?.resume();
  }
}

async function waitForOutboxDrained(admin, timeoutMs = 120_000) {
  const started = performance.now();
  for (;;) {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM orders.outbox WHERE status = 'pending'`);
    if (rows[0].n === 0) return Math.round(performance.now() - started);
    if (performance.now() - started > timeoutMs) throw new Error(`${rows[0].n} events still pending after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * The baseline writes outbox rows like Orderly but has no relay; they must not become Orderly's
 * work. Rows locked by a relay batch that SIGSTOP froze mid-transaction are skipped, not waited
 * for: Orderly stays paused until this returns, so waiting would hang the bench for good (it did,
 * once the relay had picked up the rows of the baseline's last in-flight requests). Orderly
 * delivers those few rows after it resumes.
 */
async function discardPendingOutbox(admin) {
  await admin.query(
    `UPDATE orders.outbox SET status = 'discarded'
      WHERE seq IN (SELECT seq FROM orders.outbox WHERE status = 'pending' FOR UPDATE SKIP LOCKED)`,
  );
}

/** Order committed (outbox occurred_at) -> confirmation recorded (notifications.created_at), per order placed in the window. */
async function deliveryLatencies(admin, from, to) {
  const { rows } = await admin.query(
    `SELECT EXTRACT(EPOCH FROM (n.created_at - o.occurred_at)) * 1000 AS ms
       FROM orders.outbox o JOIN notifications.notifications n ON n.order_id = o.aggregate_id::uuid
      WHERE o.type = 'orders.OrderPlaced' AND o.occurred_at >= $1 AND o.occurred_at < $2`,
    [from, to],
  );
  return rows.map((r) => Number(r.ms));
}

function summarise(runs, cells) {
  return cells.map(({ endpoint, connections }) => {
    const of = (server) => runs.filter((r) => r.server === server && r.endpoint === endpoint && r.connections === connections);
    const stats = (list) => ({ requestsPerSecond: round(median(list.map((r) => r.requestsPerSecond))), cpuMsPerRequest: round(median(list.map((r) => r.cpuMsPerRequest)), 2), p50Ms: median(list.map((r) => r.p50Ms)), p99Ms: median(list.map((r) => r.p99Ms)) });
    const o = of('orderly');
    const b = of('baseline');
    const ratios = o.map((run) => {
      const pair = b.find((x) => x.round === run.round);
      return pair ? run.requestsPerSecond / pair.requestsPerSecond : null;
    });
    return { endpoint, connections, orderly: stats(o), baseline: stats(b), throughputRatio: round(median(ratios), 2), ratiosPerRound: ratios.map((x) => round(x, 2)) };
  });
}

function summariseEvents(runs, concurrencies) {
  return concurrencies.map((connections) => {
    const latencies = runs.filter((r) => r.eventDelivery && r.connections === connections).flatMap((r) => r.eventDelivery.latenciesMs);
    return { connections, events: latencies.length, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(Math.max(...latencies)) };
  });
}

function renderTable(r) {
  const pad = (s, n) => String(s ?? '-').padStart(n);
  const lines = [
    `Orderly vs raw baseline (node:http + pg, same SQL) - ${r.mode} run ${r.runId}, ${r.settings.rounds} round(s) x ${r.settings.seconds} s per cell after ${r.settings.warmupSeconds} s warm-up`,
    `machine: ${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node}, load average ${r.machine.loadAverageAtStart.join(' ')} -> ${r.machine.loadAverageAtEnd.join(' ')} (shared machine: compare ratios, not absolute numbers)`,
    '',
    `| endpoint         | conns | Orderly req/s | p50 ms | p99 ms | CPU ms/req | baseline req/s | p50 ms | p99 ms | CPU ms/req | Orderly/baseline |`,
    `|------------------|------:|--------------:|-------:|-------:|-----------:|---------------:|-------:|-------:|-----------:|-----------------:|`,
    ...r.summary.map((s) =>
      `| ${s.endpoint.padEnd(16)} | ${pad(s.connections, 5)} | ${pad(s.orderly.requestsPerSecond, 13)} | ${pad(s.orderly.p50Ms, 6)} | ${pad(s.orderly.p99Ms, 6)} | ${pad(s.orderly.cpuMsPerRequest, 10)} | ${pad(s.baseline.requestsPerSecond, 14)} | ${pad(s.baseline.p50Ms, 6)} | ${pad(s.baseline.p99Ms, 6)} | ${pad(s.baseline.cpuMsPerRequest, 10)} | ${pad(`${s.throughputRatio}x`, 16)} |`,
    ),
    '',
    `ratio = median over rounds of Orderly req/s / baseline req/s in the same round; latencies are medians over rounds;`,
    `CPU ms/req = user+system CPU of the server's node process per 2xx response (Orderly's includes its relay and event handlers)`,
    `event delivery (order committed -> confirmation recorded) under POST load: ${r.eventDelivery.map((e) => `c=${e.connections}: p50 ${e.p50Ms} ms, p99 ${e.p99Ms} ms (${e.events} events)`).join('; ')}`,
    `Orderly peak RSS: ${r.rss.orderlyPeakMiB} MiB (VmHWM; ${r.rss.orderlyPeakUnderLoadMiB} MiB highest sample under load); baseline ${r.rss.baselinePeakMiB} MiB`,
    `launch to ready (node apps/api/dist/main.js, embedded PostgreSQL): fresh data directory ${r.startup.freshMs} ms, warm restart ${r.startup.warmMs} ms`,
    `SQL mirror check: POST /orders ${r.sqlMirror.post.identical ? 'identical' : 'DIFFERS'} (${r.sqlMirror.post.statements} statements), GET /orders/:id ${r.sqlMirror.get.identical ? 'identical' : 'DIFFERS'} (${r.sqlMirror.get.statements} statements)`,
    ...(r.events ? ['', renderEventsTable(r.events)] : []),
  ];
  return lines.join('\n');
}
