// Rule 2: a package imports another package only if its package.json declares it.
// dependency-cruiser cannot see this for workspace packages: npm links them into node_modules,
// so `@orderly/products` resolves to packages/products/src/index.ts, a local file, whichever
// package.json declares it. An undeclared edge still works (hoisting) but turbo's package graph
// misses it, so turbo builds in the wrong order and serves stale cache hits.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageNameOf, workspaceOf } from './workspaces.mjs';

const isBare = (specifier) => !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:');

/**
 * @param {import('dependency-cruiser').ICruiseResult} result
 * @param {import('./workspaces.mjs').Workspace[]} workspaces
 * @returns {{ from: string, specifier: string, to: string, rule: string, comment: string }[]}
 */
export function undeclaredDependencies(result, workspaces, root) {
  const found = [];
  for (const module of result.modules) {
    const owner = workspaceOf(workspaces, module.source);
    if (!owner) continue;
    for (const dependency of module.dependencies) {
      if (!isBare(dependency.module) || dependency.dependencyTypes.includes('core')) continue;
      const name = packageNameOf(dependency.module);
      if (name === owner.name || owner.declared.has(name)) continue;
      const target = workspaces.find((ws) => ws.name === name);
      const version = target ? target.manifest.version : installedVersion(root, name);
      found.push({
        from: module.source,
        specifier: dependency.module,
        to: dependency.resolved,
        rule: 'rule-2-declared-dependency',
        comment:
          `${owner.dir}/package.json does not declare \`${name}\`, so turbo's package graph misses this edge and its cache can lie. ` +
          `Declare it: \`npm i --save-exact${module.source.includes('/test/') ? ' -D' : ''} -w ${owner.name} ${name}@${version}\` (or remove the import).`,
      });
    }
  }
  return found;
}

function installedVersion(root, name) {
  const manifest = join(root, 'node_modules', name, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : '<version>';
}

/**
 * Rule 3 on the package graph npm and turbo see: cycles through the workspace dependencies that
 * package.json files declare (dependencies and devDependencies alike). Reported once per cycle,
 * at the package.json whose declaration closes it (the first in directory order).
 */
export function declaredPackageCycles(workspaces, comment) {
  const byName = new Map(workspaces.map((ws) => [ws.name, ws]));
  const edges = (ws) => [...ws.declared].filter((name) => byName.has(name) && name !== ws.name).sort();
  const found = [];
  const reported = new Set();
  for (const start of workspaces) {
    // Depth-first from each package, looking for a path back to it.
    const stack = [[start.name]];
    while (stack.length > 0) {
      const path = stack.pop();
      for (const next of edges(byName.get(path.at(-1)))) {
        if (next === start.name) {
          const key = [...path].sort().join(' ');
          if (reported.has(key)) continue;
          reported.add(key);
          const to = path[1];
          found.push({
            from: `${start.dir}/package.json`,
            specifier: to,
            to,
            rule: 'rule-3-no-package-cycle',
            declared: true,
            cycle: [...path.slice(1), start.name],
            pair: [start.name, to],
            comment: comment.replaceAll('{from-package}', start.name).replaceAll('{to-package}', to),
          });
        } else if (!path.includes(next)) {
          stack.push([...path, next]);
        }
      }
    }
  }
  return found;
}
