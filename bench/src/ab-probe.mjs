#!/usr/bin/env node
// Before/after of a change, by CPU per request and peak memory rather than req/s (which a shared
// machine swamps). Two variants of Orderly, A and B, each a built checkout plus node flags and env:
//   ROOT_A=/path/to/checkout-before ROOT_B=/path/to/checkout-after node bench/src/ab-probe.mjs
//   ARGS_B='--max-semi-space-size=4' node bench/src/ab-probe.mjs        (one checkout, two flag sets)
//   ENV_B='{"LOG_LEVEL":"warn"}' node bench/src/ab-probe.mjs
// ROOT_A and ROOT_B default to this checkout; each must be built (`npm run build`). Starts both on
// one PostgreSQL, then for GET /orders/:id and POST /orders runs a fixed number of requests on each
// in turn, A B / B A, the other paused; prints node CPU and PostgreSQL cluster CPU per request
// (POST: until the outbox is drained, so event work is included), their medians, and each
// variant's peak RSS (VmHWM). Env: REPS (3), AMOUNT (GET requests per run, 4000; POST an eighth
// of it), CONNECTIONS (8), WHICH (GET,POST).
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchDatabase } from './bench-database.mjs';
import { clusterCpuMs, freePort, sleep, startServer } from './processes.mjs';
import { median } from './stats.mjs';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const variants = {
  A: { root: process.env.ROOT_A ?? here, args: words(process.env.ARGS_A), env: JSON.parse(process.env.ENV_A ?? '{}') },
  B: { root: process.env.ROOT_B ?? here, args: words(process.env.ARGS_B), env: JSON.parse(process.env.ENV_B ?? '{}') },
};
const amount = Number(process.env.AMOUNT ?? 4000);
const reps = Number(process.env.REPS ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 8);
const workDir = join(tmpdir(), `orderly-ab-${process.pid}`);
mkdirSync(workDir, { recursive: true });
const identityDir = join(workDir, 'identity');
for (const [name, v] of Object.entries(variants)) console.log(`${name}: ${v.root} ${v.args.join(' ')} ${JSON.stringify(v.env)}`);

const db = await startBenchDatabase({ dataDir: join(workDir, 'pg'), port: await freePort(), poolSize: 10 });
const start = async (name, { root, args, env }) => {
  const port = await freePort();
  const server = await startServer({
    name,
    nodeArgs: [...args, join(root, 'apps/api/dist/main.js')],
    // Both variants share one development issuer (its key lives in DATA_DIR), so one token serves both.
    env: { PORT: String(port), HOST: '127.0.0.1', ...db.apiEnv, LOG_LEVEL: 'info', DEMO_DATA: 'false', DATABASE_POOL_SIZE: '10', NODE_ENV: 'production', AUTH_DEV_ISSUER: 'true', DATA_DIR: identityDir, WRITE_RATE_LIMIT: '0', MANAGEMENT_PORT: '0', ...env },
    logFile: join(workDir, `${name}.log`),
    readyUrl: `http://127.0.0.1:${port}/products?limit=1`,
  });
  return { ...server, url: `http://127.0.0.1:${port}` };
};
const servers = { A: await start('A', variants.A), B: await start('B', variants.B) };
const mint = (...args) => execFileSync(process.execPath, [join(variants.A.root, 'apps/api/dist/token.js'), ...args, '--ttl', '1d'], { env: { ...process.env, DATA_DIR: identityDir }, encoding: 'utf8' }).trim();
const staff = mint('--email', 'ab-staff@example.com', '--staff');
const customer = mint('--email', 'ab@example.com');
const post = async (path, body, token) => {
  const res = await fetch(servers.A.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
};
const orderBody = (productId) => ({ customerEmail: 'ab@example.com', items: [{ productId, quantity: 1 }] });
const products = [];
for (let i = 0; i < 40; i++) products.push((await post('/products', { sku: `AB-${process.pid}-${i}`, name: `p${i}`, unitPrice: 100, stock: 10_000_000 }, staff)).id);
const orders = [];
for (let i = 0; i < 40; i++) orders.push((await post('/orders', orderBody(products[i]), customer)).id);
// Every module's outbox, not only orders': a variant is paused only once no event work is left
// anywhere, so it is never frozen in the middle of a handler transaction.
const pending = async () =>
  (await db.admin.query(`SELECT (SELECT count(*) FROM orders.outbox WHERE status = 'pending') + (SELECT count(*) FROM products.outbox WHERE status = 'pending') + (SELECT count(*) FROM notifications.outbox WHERE status = 'pending') AS n`)).rows[0].n;
const drain = async () => {
  while (Number(await pending()) > 0) await sleep(50);
};
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const authorization = `Bearer ${customer}`;

const run = async (name, endpoint) => {
  const server = servers[name];
  const other = servers[name === 'A' ? 'B' : 'A'];
  other.pause();
  try {
    const request = endpoint === 'POST'
      ? { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json', authorization }, setupRequest: (req) => ({ ...req, body: JSON.stringify(orderBody(pick(products))) }) }
      : { method: 'GET', headers: { authorization }, setupRequest: (req) => ({ ...req, path: `/orders/${pick(orders)}` }) };
    const n = endpoint === 'POST' ? Math.round(amount / 8) : amount;
    await autocannon({ url: server.url, connections, amount: Math.min(300, n), requests: [request] });
    await drain();
    await sleep(300);
    const c0 = server.cpuMs();
    const p0 = clusterCpuMs(join(workDir, 'pg'));
    const r = await autocannon({ url: server.url, connections, amount: n, requests: [request] });
    await drain();
    await sleep(500);
    const c1 = server.cpuMs();
    const p1 = clusterCpuMs(join(workDir, 'pg'));
    return { node: +((c1 - c0) / r['2xx']).toFixed(3), pg: +((p1 - p0) / r['2xx']).toFixed(3), non2xx: r.non2xx };
  } finally {
    other.resume();
    await sleep(300);
  }
};

const results = { A: { GET: [], POST: [] }, B: { GET: [], POST: [] } };
for (const endpoint of (process.env.WHICH ?? 'GET,POST').split(',')) {
  for (let i = 0; i < reps; i++) {
    for (const name of i % 2 ? ['B', 'A'] : ['A', 'B']) {
      const m = await run(name, endpoint);
      results[name][endpoint].push(m);
      console.log(endpoint, name, JSON.stringify(m));
    }
  }
}
for (const endpoint of ['GET', 'POST']) {
  for (const name of ['A', 'B']) {
    const ms = results[name][endpoint];
    if (ms.length) console.log(`median ${endpoint} ${name}: node ${median(ms.map((m) => m.node))} ms/req, PG ${median(ms.map((m) => m.pg))} ms/req`);
  }
}
for (const name of ['A', 'B']) console.log(`peak RSS ${name}: ${servers[name].peakRssMiB().toFixed(1)} MiB (VmHWM, ${connections} connections)`);
await servers.A.stop();
await servers.B.stop();
await db.stop();
rmSync(workDir, { recursive: true, force: true });

function words(text) {
  return (text ?? '').split(/\s+/).filter(Boolean);
}
