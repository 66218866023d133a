#!/usr/bin/env node
// `npm run boundaries`: checks dependency rules 1-5 (docs/architecture.md, "Dependency rules")
// over every workspace's src/ and test/ files. Rules 1, 3, 4, 5 are dependency-cruiser rules
// (.dependency-cruiser.cjs); rule 2 is ./declared-dependencies.mjs. Rule 6 (database rights)
// is enforced by PostgreSQL itself and tested in apps/api/test/architecture.
//
// Each violation names the file, the import as written, the rule and what to do instead.
// Exit code 1 when any rule is broken. `--root <dir>` checks another tree (the architecture
// tests plant violations in a temporary copy of the repository).
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { undeclaredDependencies } from './declared-dependencies.mjs';
import { readWorkspaces, workspaceOf } from './workspaces.mjs';

const rootArg = process.argv.indexOf('--root');
const root = resolve(rootArg >= 0 ? process.argv[rootArg + 1] : fileURLToPath(new URL('../..', import.meta.url)));
process.chdir(root); // dependency-cruiser reports paths relative to the working directory

const workspaces = readWorkspaces(root);
const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
const tsConfig = extractTSConfig(join(root, options.tsConfig?.fileName ?? 'tsconfig.base.json'));
const { output: result } = await cruise(
  workspaces.map((ws) => ws.dir),
  options,
  { ...options.enhancedResolveOptions },
  { tsConfig },
);

const specifierOf = (from, to) =>
  result.modules.find((m) => m.source === from)?.dependencies.find((d) => d.resolved === to)?.module ?? to;
const packageNameAt = (path) => workspaceOf(workspaces, path)?.name ?? path.split('/').slice(0, 2).join('/');

const violations = [
  ...result.summary.violations.map((v) => ({
    from: v.from,
    specifier: specifierOf(v.from, v.to),
    to: v.to,
    rule: v.rule.name,
    cycle: v.cycle?.map((step) => step.name),
    comment: (result.summary.ruleSetUsed.forbidden.find((r) => r.name === v.rule.name)?.comment ?? '')
      .replaceAll('{from-package}', packageNameAt(v.from))
      .replaceAll('{to-package}', v.to.startsWith('@') ? v.to.split('/').slice(0, 2).join('/') : packageNameAt(v.to)),
  })),
  ...undeclaredDependencies(result, workspaces, root),
]
  .sort((a, b) => a.from.localeCompare(b.from) || a.rule.localeCompare(b.rule) || a.specifier.localeCompare(b.specifier))
  .filter(firstPerPackageCycle());

// dependency-cruiser flags every import on a cycle; one report per pair of packages is enough.
function firstPerPackageCycle() {
  const seen = new Set();
  return (v) => {
    if (!v.cycle) return true;
    const key = [packageNameAt(v.from), packageNameAt(v.to)].sort().join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

// Paths outside the tree (a symlinked node_modules) are shown from node_modules/ on.
const shown = (path) => path.replace(/^.*?(?=node_modules\/)/, '');

if (violations.length === 0) {
  console.log(`boundaries: rules 1-5 hold (${result.summary.totalCruised} files, ${result.summary.totalDependenciesCruised} imports checked)`);
  process.exit(0);
}

const lines = [`boundaries: ${violations.length} violation${violations.length === 1 ? '' : 's'} of the dependency rules (docs/architecture.md)`];
for (const v of violations) {
  lines.push('', v.from);
  lines.push(`  imports '${v.specifier}'${v.specifier === v.to ? '' : ` (${shown(v.to)})`}`);
  if (v.cycle) lines.push(`  cycle: ${[v.from, ...v.cycle].join(' -> ')}`);
  lines.push(`  breaks ${v.rule}`);
  lines.push(`  ${v.comment}`);
}
console.log(lines.join('\n'));
process.exit(1);
