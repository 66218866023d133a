// The built app as a real process: starts on an existing database, serves, logs, refuses bad
// configuration, and shuts down gracefully on SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, eventually, freePort, runProcess, startAppProcess, startTestIssuer, startTestPostgres, type TestIssuer, type TestPostgres } from '@orderly/testing';
import { apiDir, ensureApiBuilt, withApiBuildLock } from './built-api.js';
import { provisionForApp } from '../e2e/orderly-harness.js';

const entry = `${apiDir}/dist/main.js`;
let postgres: TestPostgres;
let issuer: TestIssuer;
/** What every start on an existing database needs: the database and who issues tokens. */
let production: Record<string, string>;
let database: Record<string, string>;

beforeAll(async () => {
  await ensureApiBuilt();
  postgres = await startTestPostgres();
  database = await provisionForApp(postgres);
  issuer = await startTestIssuer();
  production = { ...database, ...issuer.env() };
}, 300_000); // the build may take minutes on a loaded machine
afterAll(async () => {
  await postgres?.stop();
  await issuer?.stop();
});

it('serves the API from dist/main.js and exits 0 on SIGTERM', async () => {
  const app = await startAppProcess({ entry, env: { ...production, LOG_LEVEL: 'warn', DEMO_DATA: 'true' }, readyPath: '/health/ready' });
  const res = await fetch(`${app.url}/products?limit=100`);
  expect(res.status).toBe(200);
  const page = (await res.json()) as { items: unknown[] };
  expect(page.items.length).toBeGreaterThan(0);
  expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
});

describe('logs', () => {
  it('writes JSON lines when stdout is not a terminal (the default), one per request', async () => {
    const app = await startAppProcess({ entry, env: { ...production, LOG_LEVEL: 'info' }, readyPath: '/health/live' });
    await fetch(`${app.url}/products?limit=1`, { headers: { 'X-Request-Id': 'process-log-1' } });
    expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const lines = app.output().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.find((l) => l.requestId === 'process-log-1')).toMatchObject({ method: 'GET', route: '/products', status: 200, level: 'info' });
    expect(lines.find((l) => l.context === 'Orderly' && l.msg.startsWith('API listening on'))).toBeDefined();
    expect(lines.at(-1)).toMatchObject({ context: 'Orderly', msg: 'shutdown complete' });
  });

  it('says in a few lines at start where the API, /docs and /openapi.json are; route mapping and probes at debug', async () => {
    const app = await startAppProcess({ entry, env: { ...production, LOG_LEVEL: 'info', DEMO_DATA: 'false' }, readyPath: '/health/ready' });
    await fetch(`${app.url}/health/live`);
    await fetch(`${app.managementUrl}/metrics`);
    expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const lines = app.output().trim().split('\n').map((line) => JSON.parse(line));
    const startUp = lines.slice(0, lines.findIndex((l) => l.msg.startsWith('API docs:')) + 1);
    expect(startUp.length).toBeGreaterThan(0);
    expect(startUp.length).toBeLessThanOrEqual(4);
    expect(startUp.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        `API listening on ${app.url} (database: DATABASE_URL; /metrics and detailed readiness on ${app.managementUrl})`,
        `API docs: ${app.url}/docs - OpenAPI document: ${app.url}/openapi.json`,
      ]),
    );
    expect(lines.filter((l) => /^Mapped \{/.test(l.msg) || ['/health/live', '/health/ready', '/metrics'].includes(l.route))).toEqual([]);

    const debug = await startAppProcess({ entry, env: { ...production, LOG_LEVEL: 'debug', DEMO_DATA: 'false' }, readyPath: '/health/ready' });
    expect(await debug.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const debugLines = debug.output().trim().split('\n').map((line) => JSON.parse(line));
    expect(debugLines.find((l) => l.msg === 'Mapped {/orders, POST} route')).toMatchObject({ level: 'debug', context: 'RouterExplorer' });
    expect(debugLines.find((l) => l.route === '/health/ready')).toMatchObject({ level: 'debug', status: 200 });
  });

  it('writes human-readable lines with LOG_FORMAT=pretty', async () => {
    const app = await startAppProcess({ entry, env: { ...production, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, readyPath: '/health/live' });
    await fetch(`${app.url}/products?limit=1`, { headers: { 'X-Request-Id': 'process-log-2' } });
    expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const line = app.output().split('\n').find((l) => l.includes('process-log-2'))!;
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/products 200 \d+ ms/);
    expect(() => JSON.parse(line)).toThrow();
  });
});

describe('npm start, as a supervisor runs it', () => {
  const repositoryRoot = join(apiDir, '../..');
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'orderly-npm-start-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The pids of a process's children, grandchildren, ... (Linux /proc). */
  function descendants(pid: number): number[] {
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
      try {
        return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
    return children.flatMap((child) => [child, ...descendants(child)]);
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const commandLine = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return '';
    }
  };

  it('ends in the clean shutdown when SIGTERM is sent to the npm process, leaving no process behind', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // Not inside this test run's turbo task: a clean environment, as a supervisor has.
    const env = Object.fromEntries(Object.entries(withoutAuth(process.env)).filter(([key]) => !key.startsWith('TURBO_') && !key.startsWith('npm_')));
    const npm = spawn('npm', ['start'], {
      cwd: repositoryRoot,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', MANAGEMENT_PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), LOG_FORMAT: 'json', LOG_LEVEL: 'info', DEMO_DATA: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.once('exit', (code, signal) => resolve({ code, signal })));
    let app: number | undefined;
    try {
      // `npm start` builds first: not while another test file rebuilds dist/.
      await withApiBuildLock(() =>
        eventually(async () => ((await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 120_000 }),
      );
      app = descendants(npm.pid!).find((pid) => commandLine(pid).includes('apps/api/dist/main.js'));
      expect(app).toBeDefined();

      npm.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toContain('SIGTERM received, shutting down');
      expect(output).toContain('shutdown complete');
      await eventually(async () => (alive(app!) ? undefined : true), { timeoutMs: 30_000 });
      expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      // Whatever went wrong, leave no app (and so no PostgreSQL) running.
      if (app !== undefined && alive(app)) process.kill(app, 'SIGTERM');
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    }
  }, 180_000);
});

describe('configuration', () => {
  it.each([
    ['PORT', 'eighty', 'PORT="eighty" must be an integer from 0 to 65535 (default 3000)'],
    ['LOG_FORMAT', 'xml', 'LOG_FORMAT="xml" must be json or pretty'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL="loud" must be one of silent, error, warn, info, debug (default info)'],
    ['BODY_LIMIT_BYTES', '10', 'BODY_LIMIT_BYTES="10" must be an integer from 1024 to 16777216 (default 65536)'],
    ['CORS_ORIGINS', 'shop.example.com', 'CORS_ORIGINS has "shop.example.com": it must be * or a comma-separated list of origins'],
    ['SHUTDOWN_DRAIN_DELAY_MS', 'soon', 'SHUTDOWN_DRAIN_DELAY_MS="soon" must be an integer from 0 to 60000 (default 500)'],
    ['SHUTDOWN_TIMEOUT_MS', '-1', 'SHUTDOWN_TIMEOUT_MS="-1" must be an integer from 100 to 600000 (default 9000)'],
    ['DATABASE_URL', 'mysql://localhost/x', 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['AUTH_JWKS_URL', 'http://idp.example.com/certs', 'AUTH_JWKS_URL="http://idp.example.com/certs" must be an https:// URL (http:// only on localhost)'],
    ['AUTH_ISSUER', '', 'AUTH_ISSUER must be set too: AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together'],
    ['WRITE_RATE_LIMIT', 'lots', 'WRITE_RATE_LIMIT="lots" must be an integer from 0 to 1000000 (default 100)'],
  ])('refuses to start with a bad %s, naming it and what it accepts', (name, value, message) => {
    const result = spawnSync(process.execPath, [entry], { env: { ...process.env, ...production, [name]: value }, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration:');
    expect(result.stderr).toContain(message);
  });

  it('refuses to start on a DATABASE_URL without AUTH_*, saying what to set', () => {
    const env = { ...withoutAuth(process.env), ...database };
    const result = spawnSync(process.execPath, [entry], { env, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE');
    expect(result.stderr).toContain('AUTH_DEV_ISSUER=true');
  });

  it('accepts the development issuer on a DATABASE_URL only when opted in, and says so loudly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orderly-dev-issuer-'));
    try {
      const env = { ...withoutAuth(process.env), ...database, AUTH_DEV_ISSUER: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
      const app = await startAppProcess({ entry, env, readyPath: '/health/live' });
      const token = await mintDevelopmentToken(dataDir, ['--email', 'optin@example.com']);
      const res = await fetch(`${app.url}/orders`, { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      const warning = app.output().split('\n').find((line) => line.includes('DEVELOPMENT ISSUER'));
      expect(JSON.parse(warning!)).toMatchObject({ level: 'warn' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function withoutAuth(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AUTH_')));
}

/** `npm run token` without npm: the built token command, with the app's DATA_DIR (run without blocking: an app may be serving). */
async function mintDevelopmentToken(dataDir: string, args: string[]): Promise<string> {
  const result = await runProcess(process.execPath, [`${apiDir}/dist/token.js`, ...args], { env: { ...withoutAuth(process.env), DATA_DIR: dataDir }, timeoutMs: 30_000 });
  if (result.status !== 0) throw new Error(`token exited ${result.status}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('npm run token (the development issuer of the embedded setup)', () => {
  it('prints only a token on stdout, signed by the key the app serves at /.well-known/jwks.json', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orderly-token-'));
    try {
      const result = spawnSync(process.execPath, [`${apiDir}/dist/token.js`, '--email', 'ada@example.com', '--staff', '--ttl', '5m'], {
        env: { ...withoutAuth(process.env), DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
      const [header, payload] = result.stdout.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      expect(payload).toMatchObject({ email: 'ada@example.com', scope: 'orders:write orders:read orders:read:any orders:fulfil catalog:write' });
      expect(payload.exp - payload.iat).toBe(300);
      // The same e-mail always gets the same subject: orders placed with one token are seen with the next.
      const again = JSON.parse(Buffer.from((await mintDevelopmentToken(dataDir, ['--email', 'ada@example.com'])).split('.')[1]!, 'base64url').toString());
      expect(again.sub).toBe(payload.sub);
      expect(again.scope).toBe('orders:write orders:read');

      const bad = spawnSync(process.execPath, [`${apiDir}/dist/token.js`, '--email', 'nope'], { env: { ...withoutAuth(process.env), DATA_DIR: dataDir }, encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain('--email must be an e-mail address');

      const app = await startAppProcess({
        entry,
        env: { ...withoutAuth(process.env), DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), DEMO_DATA: 'false' },
        readyPath: '/health/live',
        readyTimeoutMs: 60_000,
      });
      try {
        const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; d?: string }[] };
        expect(jwks.keys.map((k) => k.kid)).toEqual([header.kid]);
        expect(jwks.keys[0]!.d).toBeUndefined(); // the public half only
        expect((await fetch(`${app.url}/orders`, { headers: bearer(result.stdout.trim()) })).status).toBe(200);
        expect((await fetch(`${app.url}/orders`)).status).toBe(401);
      } finally {
        expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Three processes and an embedded cluster's initdb: a run at load 15-20 took over 90 s.
  }, 180_000);
});

describe('configuration of the embedded PostgreSQL', () => {
  it('names EMBEDDED_POSTGRES_PORT when another program listens there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orderly-port-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DATABASE_')));
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [entry], { env: { ...clean, DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(port), PORT: '0' } });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (status) => resolve({ status, stderr }));
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`EMBEDDED_POSTGRES_PORT=${port}: another program listens on that port; set a free one`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('graceful shutdown on SIGTERM, with the embedded PostgreSQL', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'orderly-shutdown-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('turns unready, answers every request in flight, stops PostgreSQL cleanly and exits 0', async () => {
    const app = await startAppProcess({
      entry,
      env: {
        ...withoutAuth(process.env),
        DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        DEMO_DATA: 'false',
        SHUTDOWN_DRAIN_DELAY_MS: '15000',
        SHUTDOWN_TIMEOUT_MS: '120000',
      },
      readyPath: '/health/ready',
      readyTimeoutMs: 60_000,
    });
    const staff = bearer(await mintDevelopmentToken(dataDir, ['--email', 'staff@example.com', '--staff']));
    const customer = bearer(await mintDevelopmentToken(dataDir, ['--email', 'shutdown@example.com']));
    const product = (await (
      await fetch(`${app.url}/products`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...staff },
        body: JSON.stringify({ sku: 'SHUTDOWN-1', name: 'x', unitPrice: 100, stock: 1_000 }),
      })
    ).json()) as { id: string };
    const placeOrder = () =>
      fetch(`${app.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...customer },
        body: JSON.stringify({ customerEmail: 'shutdown@example.com', items: [{ productId: product.id, quantity: 1 }] }),
      }).then((res) => res.status, (error: Error) => `failed: ${error.message}`);

    const inFlight = Array.from({ length: 40 }, () => placeOrder());
    const firstAnswer = await Promise.race(inFlight); // the server is busy with the rest now
    const exit = app.kill('SIGTERM');
    // While it drains (15 s: a window a loaded machine cannot miss) it still answers, but no longer
    // as ready, so a load balancer stops sending. With 40 orders in flight on a loaded machine a
    // database check may be failing too (its ping times out), before and after the signal: what
    // must be seen is the 'http' check failing because the process is shutting down.
    type Readiness = { failing: string[]; detail: string };
    const [readiness, detailed] = await eventually(async () => {
      const [res, management] = await Promise.all([fetch(`${app.url}/health/ready`), fetch(`${app.managementUrl}/health/ready`)]);
      if (res.status !== 503 || management.status !== 503) return undefined;
      const answers = (await Promise.all([res.json(), management.json()])) as [Readiness, Readiness];
      return answers.every((answer) => answer.failing.includes('http')) ? answers : undefined;
    }, { timeoutMs: 14_000 });
    expect(readiness.failing).toContain('http');
    expect(readiness.detail).toMatch(/^Failing checks: (.+, )?http(, .+)?\.$/);
    expect(readiness.detail).not.toContain('shutting down');
    // Why, on the management listener only.
    expect(detailed.detail).toContain('http (shutting down)');
    // The drain window, then the requests in flight; the app's own SHUTDOWN_TIMEOUT_MS would exit 1.
    const tooLate = new Promise((resolve) => setTimeout(() => resolve('still running after 150 s'), 150_000).unref());

    expect(await Promise.race([exit, tooLate])).toEqual({ code: 0, signal: null });
    const statuses = [firstAnswer, ...(await Promise.all(inFlight))];
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const output = app.output();
    expect(output).not.toContain('administrator command'); // PostgreSQL was not stopped under the app's feet
    expect(output).not.toMatch(/"level":"(error|fatal)"/);
    expect(output).toContain('shutdown complete');
    // PostgreSQL stopped cleanly: no postmaster.pid left behind, and the cluster says it shut down
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(readFileSync(join(dataDir, 'postgres', 'global', 'pg_control')).length).toBeGreaterThan(0);
  }, 240_000);
});
