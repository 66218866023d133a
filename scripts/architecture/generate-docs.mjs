#!/usr/bin/env node
// Regenerates docs/modules.md and docs/api/<package>.api.md from the code (`npm run docs:modules`,
// `npm run api:report`). With --check it writes nothing and exits 1 when a committed file differs
// from what the code says (run by apps/api/test/architecture/generated-docs.test.ts in `npm test`).
// Both modes fail when a public signature names a type no public entry exports (./unexported-types.mjs).
// `--root <dir>` works on another tree (the tests plant changes in a temporary copy); `--only
// <package>` writes docs/modules.md and that package's reports alone (npm run new-module).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModuleModel } from './module-model.mjs';
import { renderModuleDocs } from './module-docs.mjs';
import { renderPublicApiReport } from './public-api-report.mjs';
import { renderUnexportedTypes, unexportedTypes } from './unexported-types.mjs';

const rootArg = process.argv.indexOf('--root');
const root = resolve(rootArg >= 0 ? process.argv[rootArg + 1] : fileURLToPath(new URL('../..', import.meta.url)));
const checkOnly = process.argv.includes('--check');
// `--only @orderly/<name>`: docs/modules.md and that package's reports only - what a new module
// adds, without rewriting the reports other teams own.
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;

const model = readModuleModel(root);
const expected = new Map([['docs/modules.md', renderModuleDocs(model)]]);
for (const pkg of model.packages.filter((p) => only === undefined || p.name === only)) {
  expected.set(`docs/api/${reportName(pkg.name)}.api.md`, renderPublicApiReport(model, pkg));
  for (const entry of pkg.subEntries) expected.set(`docs/api/${reportName(entry.name)}.api.md`, renderPublicApiReport(model, { ...entry, dir: pkg.dir }));
}

const stale = [...expected].filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== content).map(([path]) => path);
const orphaned = existsSync(join(root, 'docs/api')) && only === undefined
  ? readdirSync(join(root, 'docs/api')).map((file) => `docs/api/${file}`).filter((path) => !expected.has(path))
  : [];

// A public signature that names an unexported type fails both modes: the report would document a
// promise consumers cannot name.
const leaks = unexportedTypes(model);
if (leaks.length > 0) console.log(renderUnexportedTypes(leaks));

if (checkOnly) {
  if (stale.length === 0 && orphaned.length === 0 && leaks.length === 0) {
    console.log(`generated docs are up to date (${expected.size} files)`);
    process.exit(0);
  }
  for (const path of stale) {
    console.log(`${path} is stale: it differs from what the code says.`);
    if (existsSync(join(root, path))) console.log(firstDifference(readFileSync(join(root, path), 'utf8'), expected.get(path)));
  }
  for (const path of orphaned) console.log(`${path} belongs to no package.`);
  if (stale.length > 0 || orphaned.length > 0) {
    console.log('Run `npm run docs:modules` and review the diff: an API report change is a change to what other packages may use.');
  }
  process.exit(1);
}

mkdirSync(join(root, 'docs/api'), { recursive: true });
for (const [path, content] of expected) writeFileSync(join(root, path), content);
console.log(`wrote ${[...expected.keys()].join(', ')}${stale.length ? '' : ' (unchanged)'}`);
if (leaks.length > 0) process.exit(1);

function reportName(entryName) {
  return entryName.replace(/^@orderly\//, '').replaceAll('/', '-');
}

function firstDifference(committed, generated) {
  const a = committed.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  // 400: a package's export list is long, and what changed in it may be near its end.
  const show = (text) => (text === undefined ? '(end of file)' : JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}...` : text));
  return `  first difference at line ${line + 1}:\n    committed: ${show(a[line])}\n    from code: ${show(b[line])}`;
}
