#!/usr/bin/env node
// `npm test`: every check of every workspace through turbo (cached where nothing changed),
// then one closing line with the totals over all packages: `tests: N passed, M failed`.
// Each test tier writes .test-results/<tier>.json, a turbo output: a cache hit restores it, so
// the tests of a cached run are still counted. Extra arguments go to turbo (CI passes --affected).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_SUPPORT_FOLDERS, TEST_TIERS } from './test-tiers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Every workspace of the root package.json ("packages/*", "apps/*", "tools/*", "bench").
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.flatMap((pattern) => {
  if (!pattern.endsWith('/*')) return existsSync(join(root, pattern, 'package.json')) ? [join(root, pattern)] : [];
  const dir = join(root, pattern.slice(0, -2));
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
    .map((d) => join(dir, d.name));
});
for (const ws of workspaces) rmSync(join(ws, '.test-results'), { recursive: true, force: true });

// Test files that no tier runs would never run at all: refuse them before anything else.
const unreachable = workspaces.flatMap(unreachableTests);
for (const problem of unreachable) console.log(problem);

// The browser test drives Debian's Chromium. Whether there is one is part of the API e2e task's
// cache key (turbo.json declares ORDERLY_CHROMIUM), so installing it later re-runs that test.
const chromium = process.env.ORDERLY_CHROMIUM ?? '/usr/bin/chromium';
const ORDERLY_CHROMIUM = chromium !== '' && existsSync(chromium) ? chromium : '';

// The broker tests run Debian's nats-server: where it is (or '' when there is none) is part of
// every task's cache key (turbo.json globalEnv), like CI, under which a missing broker fails them.
const ORDERLY_NATS = process.env.ORDERLY_NATS ?? (['/usr/sbin/nats-server', ...(process.env.PATH ?? '').split(':').map((dir) => `${dir}/nats-server`)].find((path) => path !== '/nats-server' && existsSync(path)) ?? '');

const tasks = process.env.ORDERLY_TEST_TASKS?.split(',') ?? ['lint', 'typecheck', 'test'];
// Only a run summary written by this very run counts: when turbo is killed before it writes one,
// the newest file in .turbo/runs is an older run's, whose totals must never close this run.
const startedAt = Date.now();
const turbo = spawnSync(
  'npx',
  ['turbo', 'run', ...tasks, '--continue', '--concurrency=2', '--output-logs=new-only', '--summarize', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', ORDERLY_CHROMIUM, ORDERLY_NATS } },
);

const summary = latestRunSummary(startedAt);
if (turbo.signal) console.log(`turbo ended by ${turbo.signal}: the checks did not finish`);
const testTasks = (summary?.tasks ?? []).filter((t) => t.task.startsWith('test:') && t.command !== '<NONEXISTENT>');
let passed = 0;
let failed = unreachable.length;
const missing = [];
for (const task of testTasks) {
  const file = join(root, task.directory, '.test-results', `${task.task.slice('test:'.length)}.json`);
  if (!existsSync(file)) {
    missing.push(task.taskId);
    continue;
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
}
// A failed check that is not a jest run (typecheck, lint, ...) counts as one failure, so a red
// run never closes with "0 failed".
const failedChecks = (summary?.tasks ?? [])
  .filter((t) => !t.task.startsWith('test:') && t.execution && t.execution.exitCode !== 0 && t.execution.exitCode !== undefined)
  .map((t) => t.taskId);
failed += failedChecks.length;
// A run that did not reach its summary ran an unknown part of the suite: never "0 failed".
if (!summary || turbo.signal || turbo.status === null) failed += 1;
if (!summary) console.log('no turbo run summary from this run: the checks did not run to the end');
if (failedChecks.length > 0) console.log(`failed checks: ${failedChecks.join(', ')}`);
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')} (their tests did not run)`);
// Checks that could not run here (e.g. the browser test without a browser) leave a line in
// .test-results/warnings.txt: say so loudly, so a green run never hides them.
for (const ws of workspaces) {
  const file = join(ws, '.test-results', 'warnings.txt');
  if (!existsSync(file)) continue;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) console.log(`WARNING: ${line}`);
}
const ok = turbo.status === 0 && !turbo.signal && summary !== undefined && failed === 0 && missing.length === 0;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);

function latestRunSummary(notBefore) {
  const runsDir = join(root, '.turbo', 'runs');
  if (!existsSync(runsDir)) return undefined;
  const latest = readdirSync(runsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(runsDir, f))
    .filter((f) => statSync(f).mtimeMs >= notBefore)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return latest ? JSON.parse(readFileSync(latest, 'utf8')) : undefined;
}

/** Test files outside every tier's folders, or in a tier the package has no script for. */
function unreachableTests(ws) {
  const testDir = join(ws, 'test');
  if (!existsSync(testDir)) return [];
  const scripts = JSON.parse(readFileSync(join(ws, 'package.json'), 'utf8')).scripts ?? {};
  const tierOf = Object.fromEntries(Object.entries(TEST_TIERS).flatMap(([tier, folders]) => folders.map((f) => [f, tier])));
  const problems = [];
  for (const entry of readdirSync(testDir, { withFileTypes: true })) {
    const where = relative(root, join(testDir, entry.name));
    if (entry.isDirectory() && TEST_SUPPORT_FOLDERS.includes(entry.name)) continue;
    const tier = entry.isDirectory() ? tierOf[entry.name] : undefined;
    if (!tier) {
      if (entry.isDirectory() || entry.name.endsWith('.test.ts')) {
        problems.push(`${where}: not in a test tier folder (${Object.keys(tierOf).join(', ')}), so no tier runs it`);
      }
    } else if (!scripts[`test:${tier}`]) {
      problems.push(`${where}: its package has no "test:${tier}" script, so these tests never run`);
    }
  }
  return problems;
}
