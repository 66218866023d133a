// Smoke check: `npm run bench -- --quick` still runs end to end and writes its table and JSON.
// It asserts nothing about speed - speed claims live in the benchmark's output, never in tests.
import { findNatsServer, NATS_SERVER_INSTALL_HINT } from '@orderly/kernel';
import { eventually } from '@orderly/testing';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

it('runs the quick benchmark and writes its table and JSON results', () => {
  // apps/api is built by turbo before this task (@orderly/api is a dependency of the bench).
  const run = spawnSync(process.execPath, ['bench/src/run-bench.mjs', '--quick'], { cwd: root, encoding: 'utf8', timeout: 540_000 });
  const output = run.stdout + run.stderr;
  expect({ status: run.status, output: run.status === 0 ? '' : output }).toEqual({ status: 0, output: '' });

  expect(output).toContain('| endpoint ');
  for (const row of ['| POST /orders     |    16 |', '| POST /orders     |    64 |', '| GET /orders/:id  |    16 |', '| GET /orders/:id  |    64 |']) {
    expect(output).toContain(row);
  }
  expect(output).toContain('| POST /orders     |    16 | full-work baseline ');
  const written = /results: (bench\/results\/bench-[^ ]+\.json)/.exec(output)?.[1];
  expect(written).toBeDefined();
  expect(existsSync(`${root}/${written}`)).toBe(true);
  const result = JSON.parse(readFileSync(`${root}/${written}`, 'utf8'));
  expect(result.mode).toBe('quick');
  expect(result.summary).toHaveLength(4);
  expect(result.runs.every((r: { non2xx: number; errors: number }) => r.non2xx === 0 && r.errors === 0)).toBe(true);
  expect(result.sqlMirror.post.statements).toBeGreaterThan(0);
  // The baseline must still send Orderly's SQL, or its numbers compare different work (issue 5's
  // order fates went unnoticed until a bench run). The differences name the statements to copy.
  // The full-work baseline must also do Orderly's event work for the order, statement by statement.
  expect({ post: result.sqlMirror.post.differences, fullWork: result.sqlMirror.fullWork.differences, get: result.sqlMirror.get.differences }).toEqual({
    post: [],
    fullWork: [],
    get: [],
  });
  expect(result.sqlMirror.fullWork.statements).toBeGreaterThan(result.sqlMirror.post.statements);
  // Every row of issue 17's goals table is printed.
  for (const figure of ['GET /orders/:id throughput vs raw baseline', 'POST /orders throughput vs full-work baseline', 'POST /orders throughput vs request-path baseline', 'p99 at 64 connections', 'PostgreSQL CPU per placed order', 'peak RSS under load', 'launch to ready']) {
    expect(output).toContain(`| ${figure}`);
  }
  expect(output).toMatch(/\| [\d,]+ orders preloaded: ratios and p99 vs small data \|/);
  expect(result.rss.orderlyPeakMiB).toBeGreaterThan(0);
  // Issue 15's event figures: open loop at 50 % and 80 % of the saturation rate, relay throughput.
  expect(output).toContain('| open loop |');
  expect(result.events.openLoop.map((r: { share: number }) => r.share)).toEqual([0.5, 0.8]);
  expect(result.events.openLoop.every((r: { events: number; created: number }) => r.events === r.created && r.created > 0)).toBe(true);
  expect(result.events.relay.oneFailing.healthySubscribers).toBe(2);
  // Issue 16's split-mode figure: the same rates through the broker and the notifications
  // service, every order placed confirmed, printed beside the in-process one. Without nats-server
  // the run says so (and under CI=true a missing broker fails, as for the split-mode tests).
  if (findNatsServer()) {
    expect(output).toContain('| open loop | orders/s | in-process p50 ms | split p50 ms | ratio |');
    expect(result.events.split.openLoop.map((r: { share: number; rate: number }) => [r.share, r.rate])).toEqual(result.events.openLoop.map((r: { share: number; rate: number }) => [r.share, r.rate]));
    expect(result.events.split.openLoop.every((r: { events: number; created: number }) => r.events === r.created && r.created > 0)).toBe(true);
  } else {
    if (process.env.CI === 'true') throw new Error(`CI=true and no broker: ${NATS_SERVER_INSTALL_HINT}`);
    expect(result.events.split).toEqual({ notMeasured: NATS_SERVER_INSTALL_HINT });
  }
  expect(result.startup.exitCodes).toEqual([0, 0]);
}, 600_000);

it('rejects an unknown flag with its usage instead of running', () => {
  const run = spawnSync(process.execPath, ['bench/src/run-bench.mjs', '--quik'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
  expect(run.stderr).toContain("Unknown option '--quik'");
  expect(run.stderr).toContain('usage: npm run bench');
});

it.each([
  [['--capacity', '100'], '--capacity takes a positive number and goes with --events'],
  [['--events', '--capacity', 'lots'], '--capacity takes a positive number and goes with --events'],
  [['--events', '--scale'], '--events does not combine with --scale'],
])('rejects %j with its usage instead of running', (args, message) => {
  const run = spawnSync(process.execPath, ['bench/src/run-bench.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
  expect(run.stderr).toContain(message);
  expect(run.stderr).toContain('usage: npm run bench');
});

it('stops the servers and PostgreSQL it started when it is sent SIGTERM', async () => {
  const bench = spawn(process.execPath, ['bench/src/run-bench.mjs', '--events', '--quick'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  bench.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  bench.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
  const workDir = join(tmpdir(), `orderly-bench-${bench.pid}`);
  // PostgreSQL is up and Orderly is starting.
  await eventually(async () => (output.includes('PostgreSQL started and provisioned') ? true : undefined), { timeoutMs: 180_000 });
  bench.kill('SIGTERM');
  expect(await exited).toBe(143);
  expect(existsSync(workDir)).toBe(false);
  // No process left that was given its work directory: PostgreSQL (-D on its command line) and
  // Orderly, just starting when the signal came (DATA_DIR in its environment).
  const leftovers = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
    try {
      return ['cmdline', 'environ'].some((file) => readFileSync(`/proc/${pid}/${file}`, 'utf8').includes(workDir));
    } catch {
      return false; // ended meanwhile
    }
  });
  expect(leftovers).toEqual([]);
}, 240_000);

it('exits with status 1 when a run fails (here: Orderly refuses its configuration)', () => {
  const run = spawnSync(process.execPath, ['bench/src/run-bench.mjs', '--events', '--quick'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, EVENT_HANDLER_POOL_SIZE: 'lots' },
  });
  expect(run.stderr).toContain('bench failed: Error: orderly exited before it was ready');
  expect(run.stderr).toContain('EVENT_HANDLER_POOL_SIZE');
  expect(run.status).toBe(1);
}, 240_000);
