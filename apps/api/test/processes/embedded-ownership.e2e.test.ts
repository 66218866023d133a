// The embedded PostgreSQL of a DATA_DIR belongs to one process at a time. With the app running on
// it, operators' commands (db:migrate, events) attach to the running server as clients and leave
// it running; a second app refuses to start, naming the owner. None of them stops the app's server.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runProcess, startAppProcess, type AppProcess, type ProcessResult } from '@orderly/testing';
import { moduleDatabases } from '../../src/database/module-databases.js';
import { apiDir, ensureApiBuilt } from './built-api.js';

const repoRoot = join(apiDir, '..', '..');
let dataDir: string;
let app: AppProcess;
let env: Record<string, string>;

function postmasterPid(): string {
  return readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]!;
}

/** Runs a built entry (dist/<entry>) with the app's environment; never blocks while the app serves. */
function run(entry: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [`${apiDir}/dist/${entry}`, ...args], { env: { ...process.env, ...env, ...extraEnv } });
}

async function expectAppStillServing(serverPid: string): Promise<void> {
  expect(postmasterPid()).toBe(serverPid);
  expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  // A token of the app's development issuer (its key is in DATA_DIR), as `npm run token` prints it.
  const staffToken = (await run('token.js', ['--email', 'staff@example.com', '--staff'])).stdout.trim();
  const created = await fetch(`${app.url}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
    body: JSON.stringify({ sku: `OWN-${Math.random().toString(36).slice(2, 10)}`, name: 'Lamp', unitPrice: 100, stock: 1 }),
  });
  expect(created.status).toBe(201);
}

beforeAll(async () => {
  await ensureApiBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'orderly-owner-'));
  env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), LOG_LEVEL: 'warn', DEMO_DATA: 'false', MANAGEMENT_PORT: '0' };
  app = await startAppProcess({ entry: `${apiDir}/dist/main.js`, env, readyPath: '/health/ready', readyTimeoutMs: 90_000 });
}, 180_000);
afterAll(async () => {
  await app?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

it('db:migrate attaches to the running app’s server and leaves it running', async () => {
  const server = postmasterPid();
  const migrate = await run('migrate.js');
  expect(migrate.stderr).toBe('');
  expect(migrate.status).toBe(0);
  expect(migrate.stdout).toContain(`Provisioned modules: ${moduleDatabases.map((m) => m.module).join(', ')}`);
  await expectAppStillServing(server);
}, 150_000);

it('events finds the app’s server by its data directory, whatever EMBEDDED_POSTGRES_PORT says', async () => {
  const server = postmasterPid();
  const events = await run('events.js', ['stats', '--json'], { EMBEDDED_POSTGRES_PORT: String(await freePort()) });
  expect(events.stderr).toBe('');
  expect(events.status).toBe(0);
  expect(Object.keys(JSON.parse(events.stdout))).toEqual(moduleDatabases.map((m) => m.module));
  await expectAppStillServing(server);
}, 150_000);

it('`npm run -s events -- list --json` prints only JSON on stdout (the build banner goes to stderr)', async () => {
  const server = postmasterPid();
  const events = await runProcess('npm', ['run', '-s', 'events', '--', 'list', '--json'], { cwd: repoRoot, env: { ...process.env, ...env }, timeoutMs: 180_000 });
  expect(events.status).toBe(0);
  expect(JSON.parse(events.stdout)).toEqual([]);
  await expectAppStillServing(server);
}, 200_000);

it('a second app on the same DATA_DIR refuses to start, naming the owner’s pid, and stops nothing', async () => {
  const server = postmasterPid();
  const second = await run('main.js', [], { PORT: String(await freePort()) });
  expect(second.status).toBe(1);
  expect(second.stderr).toContain(`The embedded PostgreSQL in ${join(dataDir, 'postgres')} is in use by process ${app.pid} (main.js)`);
  await expectAppStillServing(server);
}, 150_000);

it('the owner stops its server on SIGTERM; the next start owns the cluster again', async () => {
  expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  expect(existsSync(join(dataDir, 'postgres.owner.json'))).toBe(false);
  app = await startAppProcess({ entry: `${apiDir}/dist/main.js`, env, readyPath: '/health/ready', readyTimeoutMs: 90_000 });
  await expectAppStillServing(postmasterPid());
}, 150_000);
