// Dependency rules 1-5 (docs/architecture.md, "Dependency rules") over every workspace's src/ and
// test/ files. Rules 1, 3, 4, 5 are dependency-cruiser rules (.dependency-cruiser.cjs); rule 2 and
// the package-level half of rule 3 are ./declared-dependencies.mjs. Rule 6 (database rights) is
// enforced by PostgreSQL itself and tested in apps/api/test/integration/database-rights.test.ts.
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

  const fromCruiser = closestReach(result.summary.violations).map((v) => ({
    from: v.from,
    // A rule on the import closure (rule 5) names the import that starts the path to what is reached.
    specifier: specifierOf(v.from, v.via?.[0]?.name ?? v.to),
    to: v.via?.[0]?.name ?? v.to,
    path: v.via && v.via.length > 1 ? [v.from, ...v.via.map((step) => step.name)] : undefined,
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
    return { ok: true, report: `boundaries: rules 1-5 hold, no import cycles (${result.summary.totalCruised} files, ${result.summary.totalDependenciesCruised} imports checked)` };
  }
  const lines = [`boundaries: ${violations.length} violation${violations.length === 1 ? '' : 's'} of the dependency rules (docs/architecture.md)`];
  for (const v of violations) {
    lines.push('', v.from);
    lines.push(v.declared ? `  declares '${v.specifier}'` : `  imports '${v.specifier}'${v.specifier === v.to ? '' : ` (${shown(v.to)})`}`);
    if (v.cycle) lines.push(`  cycle: ${[v.declared ? v.pair[0] : v.from, ...v.cycle].join(' -> ')}`);
    if (v.path) lines.push(`  path: ${v.path.map(shown).join(' -> ')}`);
    lines.push(`  breaks ${v.rule}`);
    lines.push(`  ${v.comment}`);
  }
  return { ok: false, report: lines.join('\n') };
}

/**
 * A reachability rule (rule 5) yields one violation per forbidden module a file reaches, and again
 * for every file that imports that file. Keep what points at the cause: per file, the shortest
 * path; and no file whose path starts at a file that is itself reported.
 */
function closestReach(violations) {
  const reaching = violations.filter((v) => v.via);
  const reporting = new Set(reaching.map((v) => `${v.rule.name} ${v.from}`));
  const closest = new Map();
  for (const v of reaching) {
    if (reporting.has(`${v.rule.name} ${v.via[0].name}`)) continue;
    const key = `${v.rule.name} ${v.from}`;
    const best = closest.get(key);
    if (!best || v.via.length < best.via.length || (v.via.length === best.via.length && v.to < best.to)) closest.set(key, v);
  }
  return [...violations.filter((v) => !v.via), ...closest.values()];
}

// dependency-cruiser flags every import on a cycle: one report per pair of packages (rule 3), or
// per cycle of files inside a package, is enough.
function firstPerPackageCycle() {
  const seen = new Set();
  return (v) => {
    if (!v.cycle) return true;
    const key = v.pair[0] === v.pair[1] ? [v.from, ...v.cycle].sort().join(' ') : [...v.pair].sort().join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

// Paths outside the tree (a symlinked node_modules) are shown from node_modules/ on.
const shown = (path) => path.replace(/^.*?(?=node_modules\/)/, '');
