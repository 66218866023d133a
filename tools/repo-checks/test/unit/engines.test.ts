// The Node range in package.json `engines` (and the README) is the truth for every dependency:
// these machines and CI run Node 20, so nothing installed may require a newer one - `npm ci`
// prints no EBADENGINE. The same check as the before-stop hook's, over package-lock.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../support/repo-copy.js';

interface Semver {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

interface LockedPackage {
  readonly version?: string;
  readonly optional?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
const promised = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

/** Installed packages whose engines.node excludes `version` (optional ones are skipped by npm). */
function refusing(version: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path, pkg]) => path !== '' && !pkg.optional && pkg.engines && !Array.isArray(pkg.engines) && (pkg.engines as { node?: string }).node)
    .filter(([, pkg]) => !semver.satisfies(version, (pkg.engines as { node: string }).node))
    .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')}@${pkg.version} wants node ${(pkg.engines as { node: string }).node}`);
}

it('promises a Node range that includes Node 20.20, what CI and these machines run', () => {
  expect(semver.satisfies('20.20.0', promised)).toBe(true);
});

it('installs nothing that refuses the lowest Node version package.json promises', () => {
  expect(refusing(semver.minVersion(promised)!.version)).toEqual([]);
});

it('installs nothing that refuses the Node version running this test', () => {
  expect(refusing(process.versions.node)).toEqual([]);
});
