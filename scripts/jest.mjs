#!/usr/bin/env node
// Runs jest for the workspace package in the current directory, in native ESM mode.
//
//   node ../../scripts/jest.mjs [--tier unit|integration|e2e] [jest options and paths]
//
// With --tier, only that tier's test folders run and the result goes to .test-results/<tier>.json
// (each tier is its own turbo task with that file as its output, so a cache hit restores it and
// scripts/run-tests.mjs still counts the tests the cached run executed). Without --tier every
// test runs and the result goes to .test-results/all.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_TIERS } from './test-tiers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');

const args = process.argv.slice(2);
const tierAt = args.indexOf('--tier');
const tier = tierAt >= 0 ? args.splice(tierAt, 2)[1] : undefined;
if (tier !== undefined && !(tier in TEST_TIERS)) {
  console.error(`jest.mjs: unknown tier "${tier}"; tiers are ${Object.keys(TEST_TIERS).join(', ')}`);
  process.exit(2);
}
const folders = tier ? TEST_TIERS[tier] : [];
// micromatch expands {a,b} only with two or more alternatives.
const folderGlob = folders.length === 1 ? folders[0] : `{${folders.join(',')}}`;
const tierOptions = tier ? ['--testMatch', `<rootDir>/test/${folderGlob}/**/*.test.ts`] : [];

const resultsDir = join(process.cwd(), '.test-results');
const resultsFile = join(resultsDir, `${tier ?? 'all'}.json`);
mkdirSync(resultsDir, { recursive: true });
rmSync(resultsFile, { force: true });

const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    jestBin,
    '--config',
    join(root, 'jest.config.base.js'),
    '--rootDir',
    process.cwd(),
    ...tierOptions,
    // A handle a test leaks (a socket, a timer) must not keep jest alive after the last test: CI
    // would wait out its 90 minutes. jest still prints "Force exiting Jest" when this kicks in.
    '--forceExit',
    '--json',
    '--outputFile',
    resultsFile,
    ...args,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
