#!/usr/bin/env node
// `npm test`: every check of every workspace through turbo (cached where nothing changed),
// then one closing line with the totals over all packages: `tests: N passed, M failed`.
// Cached test tasks restore their .test-results/jest.json, so their tests are still counted.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = ['packages', 'apps'].flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, dir, d.name)),
);
workspaces.push(join(root, 'bench')); // the benchmark's smoke test (npm run bench -- --quick)
for (const ws of workspaces) rmSync(join(ws, '.test-results'), { recursive: true, force: true });

// The browser test drives Debian's Chromium. Whether there is one is part of the test task's
// cache key (apps/api/turbo.json declares ORDERLY_CHROMIUM), so installing it later re-runs that test.
const chromium = process.env.ORDERLY_CHROMIUM ?? '/usr/bin/chromium';
const ORDERLY_CHROMIUM = chromium !== '' && existsSync(chromium) ? chromium : '';

const tasks = process.env.ORDERLY_TEST_TASKS?.split(',') ?? ['typecheck', 'test'];
const turbo = spawnSync(
  'npx',
  ['turbo', 'run', ...tasks, '--continue', '--concurrency=2', '--output-logs=new-only', '--summarize', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', ORDERLY_CHROMIUM } },
);

let passed = 0;
let failed = 0;
const missing = [];
for (const ws of workspaces) {
  const file = join(ws, '.test-results', 'jest.json');
  if (!existsSync(file)) {
    if (existsSync(join(ws, 'test'))) missing.push(ws.slice(root.length));
    continue;
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
}
// A failed check that is not a jest run (typecheck, lint, ...) counts as one failure, so a red
// run never closes with "0 failed".
const failedChecks = failedNonTestTasks();
failed += failedChecks.length;
if (failedChecks.length > 0) console.log(`failed checks: ${failedChecks.join(', ')}`);
if (missing.length > 0) console.log(`no test results from: ${missing.join(', ')} (their tests did not run)`);
// Checks that could not run here (e.g. the browser test without a browser) leave a line in
// .test-results/warnings.txt: say so loudly, so a green run never hides them.
for (const ws of workspaces) {
  const file = join(ws, '.test-results', 'warnings.txt');
  if (!existsSync(file)) continue;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) console.log(`WARNING: ${line}`);
}
const ok = turbo.status === 0 && failed === 0 && missing.length === 0;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);

function failedNonTestTasks() {
  const runsDir = join(root, '.turbo', 'runs');
  if (!existsSync(runsDir)) return [];
  const latest = readdirSync(runsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(runsDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!latest) return [];
  const summary = JSON.parse(readFileSync(latest, 'utf8'));
  return (summary.tasks ?? [])
    .filter((t) => t.task !== 'test' && t.execution && t.execution.exitCode !== 0 && t.execution.exitCode !== undefined)
    .map((t) => t.taskId);
}
