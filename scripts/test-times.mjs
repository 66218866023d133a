#!/usr/bin/env node
// Where the time of the last `npm test` went: every task of its turbo run summary (when it started
// and ended, seconds from the run's start), then the slowest test files of the jest results it
// left (.test-results/<tier>.json: wall time, the time inside its tests, the rest = loading,
// beforeAll/afterAll). Reads what the run wrote; runs nothing.
//
//   node scripts/test-times.mjs [--files N] [path/to/.turbo/runs/<id>.json]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({ options: { files: { type: 'string', default: '25' } }, allowPositionals: true });
const runsDir = join(root, '.turbo', 'runs');
const summaryFile = positionals[0] ?? (existsSync(runsDir) ? readdirSync(runsDir).filter((f) => f.endsWith('.json')).map((f) => join(runsDir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] : undefined);
if (!summaryFile) {
  console.error('no turbo run summary: run `npm test` first (it passes --summarize), or name a .turbo/runs/*.json file');
  process.exit(2);
}

// The checkout that ran (its .turbo/runs/<id>.json): its .test-results hold the jest results.
const repo = join(dirname(summaryFile), '..', '..');
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
const ran = summary.tasks.filter((t) => t.execution && t.command !== '<NONEXISTENT>');
const t0 = Math.min(...ran.map((t) => t.execution.startTime));
const seconds = (ms) => (ms / 1000).toFixed(1).padStart(7);
console.log(`${summaryFile}: ${ran.length} tasks, wall ${seconds(summary.execution.endTime - summary.execution.startTime).trim()} s`);
console.log('  start     end    took  cache  task');
for (const t of ran.sort((a, b) => a.execution.startTime - b.execution.startTime)) {
  const { startTime, endTime } = t.execution;
  console.log(`${seconds(startTime - t0)} ${seconds(endTime - t0)} ${seconds(endTime - startTime)}  ${t.cache.status.padEnd(5)}  ${t.taskId}`);
}
const busy = ran.reduce((sum, t) => sum + t.execution.endTime - t.execution.startTime, 0);
console.log(`sum of task times ${seconds(busy).trim()} s (with --concurrency=2 the wall time is at least half of it)`);

const files = [];
for (const t of ran.filter((task) => task.task.startsWith('test:'))) {
  const file = join(repo, t.directory, '.test-results', `${t.task.slice('test:'.length)}.json`);
  if (!existsSync(file)) continue;
  for (const result of JSON.parse(readFileSync(file, 'utf8')).testResults) {
    const inTests = result.assertionResults.reduce((sum, a) => sum + (a.duration ?? 0), 0);
    files.push({ name: relative(repo, result.name), wall: result.endTime - result.startTime, inTests, tests: result.assertionResults.length });
  }
}
console.log(`\nslowest test files (of ${files.length}):\n   wall   tests    rest  file`);
for (const f of files.sort((a, b) => b.wall - a.wall).slice(0, Number(values.files))) {
  console.log(`${seconds(f.wall)} ${seconds(f.inTests)} ${seconds(f.wall - f.inTests)}  ${f.name} (${f.tests})`);
}
