#!/usr/bin/env node
// Before/after of a change, by CPU per request rather than req/s (which a shared machine swamps):
//   ROOT_A=/path/to/checkout-before ROOT_B=/path/to/checkout-after node bench/src/ab-probe.mjs
// Both checkouts built (`npm run build`). Starts both Orderly builds on one PostgreSQL, then for
// GET /orders/:id and POST /orders runs a fixed number of requests (8 connections) on each in
// turn, A B / B A, the other paused; prints node CPU and PostgreSQL cluster CPU per request (POST:
// until the outbox is drained, so event work is included) and their medians. Env: REPS (3),
// AMOUNT (GET requests per run, 4000; POST an eighth of it), WHICH (GET,POST).
import autocannon from 'autocannon';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const A = process.env.ROOT_A;
const B = process.env.ROOT_B;
if (!A || !B) {
  console.error('usage: ROOT_A=<checkout> ROOT_B=<checkout> node bench/src/ab-probe.mjs');
  process.exit(2);
}
const { startBenchDatabase } = await import(join(A, 'bench/src/bench-database.mjs'));
const { freePort, startServer, clusterCpuMs, sleep } = await import(join(A, 'bench/src/processes.mjs'));
const workDir = join(tmpdir(), `orderly-ab-${process.pid}`);
mkdirSync(workDir, { recursive: true });
const amount = Number(process.env.AMOUNT ?? 4000);
const reps = Number(process.env.REPS ?? 3);
const db = await startBenchDatabase({ dataDir: join(workDir, 'pg'), port: await freePort(), poolSize: 10 });
const start = async (name, root) => {
  const port = await freePort();
  const s = await startServer({ name, nodeArgs: [join(root, 'apps/api/dist/main.js')], env: { PORT: String(port), HOST: '127.0.0.1', ...db.apiEnv, LOG_LEVEL: 'info', DEMO_DATA: 'false', DATABASE_POOL_SIZE: '10', NODE_ENV: 'production' }, logFile: join(workDir, `${name}.log`), readyUrl: `http://127.0.0.1:${port}/products?limit=1` });
  return { ...s, url: `http://127.0.0.1:${port}` };
};
const servers = { A: await start('A', A), B: await start('B', B) };
const post = async (path, body) => (await (await fetch(servers.A.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json());
const products = [];
for (let i = 0; i < 40; i++) products.push((await post('/products', { sku: `P-${i}`, name: `p${i}`, unitPrice: 100, stock: 10_000_000 })).id);
const orders = [];
for (let i = 0; i < 40; i++) orders.push((await post('/orders', { customerEmail: 'a@example.com', items: [{ productId: products[i], quantity: 1 }] })).id);
const pending = async () => (await db.admin.query(`SELECT count(*)::int AS n FROM orders.outbox WHERE status = 'pending'`)).rows[0].n;
const drain = async () => { while ((await pending()) > 0) await sleep(50); };
const run = async (name, endpoint) => {
  const server = servers[name]; const other = servers[name === 'A' ? 'B' : 'A'];
  other.pause();
  try {
    const request = endpoint === 'POST'
      ? { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ customerEmail: 'a@example.com', items: [{ productId: products[Math.floor(Math.random() * products.length)], quantity: 1 }] }) }) }
      : { method: 'GET', setupRequest: (req) => ({ ...req, path: `/orders/${orders[Math.floor(Math.random() * orders.length)]}` }) };
    const n = endpoint === 'POST' ? Math.round(amount / 8) : amount;
    await autocannon({ url: server.url, connections: 8, amount: Math.min(300, n), requests: [request] });
    await drain(); await sleep(300);
    const c0 = server.cpuMs(), p0 = clusterCpuMs(join(workDir, 'pg'));
    const r = await autocannon({ url: server.url, connections: 8, amount: n, requests: [request] });
    await drain(); await sleep(500);
    const c1 = server.cpuMs(), p1 = clusterCpuMs(join(workDir, 'pg'));
    return { node: +((c1 - c0) / r['2xx']).toFixed(3), pg: +((p1 - p0) / r['2xx']).toFixed(3), non2xx: r.non2xx };
  } finally { other.resume(); await sleep(300); }
};
const results = { A: { GET: [], POST: [] }, B: { GET: [], POST: [] } };
for (const endpoint of (process.env.WHICH ?? 'GET,POST').split(',')) for (let i = 0; i < reps; i++) {
  for (const name of i % 2 ? ['B', 'A'] : ['A', 'B']) {
    const m = await run(name, endpoint);
    results[name][endpoint].push(m);
    console.log(endpoint, name, JSON.stringify(m));
  }
}
const med = (xs) => { const v = [...xs].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
for (const endpoint of ['GET', 'POST']) for (const name of ['A', 'B']) if (results[name][endpoint].length) console.log(`median ${endpoint} ${name}: node ${med(results[name][endpoint].map((m) => m.node))} ms/req, PG ${med(results[name][endpoint].map((m) => m.pg))} ms/req`);
await servers.A.stop(); await servers.B.stop(); await db.stop();
rmSync(workDir, { recursive: true, force: true });
