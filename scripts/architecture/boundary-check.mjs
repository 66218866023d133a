// Dependency rules 1-5 (docs/architecture.md, "Dependency rules") over every workspace's src/ and
// test/ files. Rules 1, 3, 4, 5 are dependency-cruiser rules (.dependency-cruiser.cjs); rule 2 and
// the package-level half of rule 3 are ./declared-dependencies.mjs. Rule 6 (database rights) is
// enforced by PostgreSQL itself and tested in apps/api/test/architecture/database-rights.test.ts.
// Each violation names the file, the import as written, the rule and what to do instead.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { join } from 'node:path';
import { declaredPackageCycles, undeclaredDependencies } from './declared-dependencies.mjs';
import { readWorkspaces, workspaceOf } from './workspaces.mjs';

/**
 * @param {string} root the repository to check (absolute path)
 * @returns {Promise<{ ok: boolean, report: string }>}
 */
export async function checkBoundaries(root) {
  const workspaces = readWorkspaces(root);
  const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
  const tsConfigFile = join(root, options.tsConfig?.fileName ?? 'tsconfig.base.json');
  const tsConfig = extractTSConfig(tsConfigFile);
  const { output: result } = await cruise(
    workspaces.map((ws) => ws.dir),
    { ...options, baseDir: root, tsConfig: { fileName: tsConfigFile } }, // paths in the result are relative to root
    { ...options.enhancedResolveOptions, tsConfig: tsConfigFile },
    { tsConfig },
  );

  const specifierOf = (from, to) => result.modules.find((m) => m.source === from)?.dependencies.find((d) => d.resolved === to)?.module ?? to;
  const packageNameAt = (path) => workspaceOf(workspaces, path)?.name ?? path.split('/').slice(0, 2).join('/');
  const commentOf = (ruleName) => result.summary.ruleSetUsed.forbidden.find((r) => r.name === ruleName)?.comment ?? '';

  const fromCruiser = result.summary.violations.map((v) => ({
    from: v.from,
    specifier: specifierOf(v.from, v.to),
    to: v.to,
    rule: v.rule.name,
    cycle: v.cycle?.map((step) => step.name),
    pair: [packageNameAt(v.from), packageNameAt(v.to)],
    comment: commentOf(v.rule.name)
      .replaceAll('{from-package}', packageNameAt(v.from))
      .replaceAll('{to-package}', v.to.startsWith('@') ? v.to.split('/').slice(0, 2).join('/') : packageNameAt(v.to)),
  }));
  // A cycle through package.json files that no chain of imports closes (e.g. one edge comes from
  // a test file) is still a cycle for npm and turbo.
  const importCycles = new Set(fromCruiser.filter((v) => v.cycle).map((v) => [...v.pair].sort().join(' ')));
  const fromManifests = declaredPackageCycles(workspaces, commentOf('rule-3-no-package-cycle')).filter(
    (v) => !importCycles.has([...v.pair].sort().join(' ')),
  );

  const violations = [...fromCruiser, ...fromManifests, ...undeclaredDependencies(result, workspaces, root)]
    .sort((a, b) => a.from.localeCompare(b.from) || a.rule.localeCompare(b.rule) || a.specifier.localeCompare(b.specifier))
    .filter(firstPerPackageCycle());

  if (violations.length === 0) {
    return { ok: true, report: `boundaries: rules 1-5 hold (${result.summary.totalCruised} files, ${result.summary.totalDependenciesCruised} imports checked)` };
  }
  const lines = [`boundaries: ${violations.length} violation${violations.length === 1 ? '' : 's'} of the dependency rules (docs/architecture.md)`];
  for (const v of violations) {
    lines.push('', v.from);
    lines.push(v.declared ? `  declares '${v.specifier}'` : `  imports '${v.specifier}'${v.specifier === v.to ? '' : ` (${shown(v.to)})`}`);
    if (v.cycle) lines.push(`  cycle: ${[v.declared ? v.pair[0] : v.from, ...v.cycle].join(' -> ')}`);
    lines.push(`  breaks ${v.rule}`);
    lines.push(`  ${v.comment}`);
  }
  return { ok: false, report: lines.join('\n') };
}

// dependency-cruiser flags every import on a cycle; one report per pair of packages is enough.
function firstPerPackageCycle() {
  const seen = new Set();
  return (v) => {
    if (!v.cycle) return true;
    const key = [...v.pair].sort().join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

// Paths outside the tree (a symlinked node_modules) are shown from node_modules/ on.
const shown = (path) => path.replace(/^.*?(?=node_modules\/)/, '');
