#!/usr/bin/env node
// Runs jest for the workspace package in the current directory, in native ESM mode, and writes
// a machine-readable result to .test-results/jest.json (a turbo output, so a cache hit restores
// it and scripts/run-tests.mjs can still count the tests that the cached run executed).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
const resultsDir = join(process.cwd(), '.test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

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
    '--json',
    '--outputFile',
    join(resultsDir, 'jest.json'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
