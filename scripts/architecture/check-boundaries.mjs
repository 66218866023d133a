#!/usr/bin/env node
// `npm run boundaries`: dependency rules 1-5 (./boundary-check.mjs). Prints each violation with
// the file, the import, the rule and what to do instead; exit code 1 when any rule is broken.
// `--root <dir>` checks another tree.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries } from './boundary-check.mjs';

const rootArg = process.argv.indexOf('--root');
const root = resolve(rootArg >= 0 ? process.argv[rootArg + 1] : fileURLToPath(new URL('../..', import.meta.url)));
const { ok, report } = await checkBoundaries(root);
console.log(report);
process.exit(ok ? 0 : 1);
