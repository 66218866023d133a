// The workspace packages of the repository (packages/*, apps/*), read from their package.json
// files: the one source the boundary check, the module docs and the API reports share.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{ name: string, dir: string, manifest: Record<string, any>, declared: Set<string> }} Workspace
 * @param {string} root repository root
 * @returns {Workspace[]} sorted by directory
 */
export function readWorkspaces(root) {
  return ['packages', 'apps']
    .flatMap((parent) =>
      existsSync(join(root, parent))
        ? readdirSync(join(root, parent), { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
            .map((entry) => `${parent}/${entry.name}`)
        : [],
    )
    .sort()
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      const declared = new Set(
        ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) => Object.keys(manifest[field] ?? {})),
      );
      return { name: manifest.name, dir, manifest, declared };
    });
}

/** The workspace a repository-relative path belongs to, if any. */
export function workspaceOf(workspaces, path) {
  return workspaces.find((ws) => path.startsWith(`${ws.dir}/`));
}

/** `@scope/name/deep/path` -> `@scope/name`; `name/deep` -> `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
