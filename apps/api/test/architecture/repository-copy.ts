// A throwaway copy of the repository's sources to plant violations in, so the real tree is never
// touched (other test files and other turbo tasks read it at the same time).
// Workspace packages are linked to the copy's own packages (node_modules/@orderly/* -> copy), every
// other dependency to the real node_modules, so imports resolve in the copy as they do in the repo.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../../..', import.meta.url));

const skipped = new Set(['node_modules', 'dist', '.turbo', '.data', '.test-results', 'coverage', '.git']);

export interface RepositoryCopy {
  readonly root: string;
  /** Writes (or replaces) a file, path relative to the copy's root. */
  write(path: string, content: string): void;
  /** Appends to an existing file. */
  append(path: string, content: string): void;
  /** Replaces the first occurrence of `from` in a file; fails if it is not there. */
  replace(path: string, from: string, to: string): void;
  /** Adds entries to a workspace package.json's "dependencies". */
  declareDependency(workspaceDir: string, name: string, version: string): void;
  remove(): void;
}

export function copyRepository(): RepositoryCopy {
  const root = mkdtempSync(join(tmpdir(), 'orderly-planted-'));
  for (const entry of ['packages', 'apps', 'scripts', 'docs', '.github', '.dependency-cruiser.cjs', 'tsconfig.base.json', 'package.json']) {
    cpSync(join(repositoryRoot, entry), join(root, entry), { recursive: true, filter: (source) => !skipped.has(basename(source)) });
  }
  mkdirSync(join(root, 'node_modules', '@orderly'), { recursive: true });
  for (const entry of readdirSync(join(repositoryRoot, 'node_modules'))) {
    if (entry !== '@orderly') symlinkSync(join(repositoryRoot, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  for (const parent of ['packages', 'apps']) {
    for (const dir of readdirSync(join(root, parent))) {
      const manifest = JSON.parse(readFileSync(join(root, parent, dir, 'package.json'), 'utf8'));
      symlinkSync(join(root, parent, dir), join(root, 'node_modules', manifest.name));
    }
  }
  return {
    root,
    write(path, content) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    },
    append(path, content) {
      writeFileSync(join(root, path), readFileSync(join(root, path), 'utf8') + content);
    },
    replace(path, from, to) {
      const content = readFileSync(join(root, path), 'utf8');
      if (!content.includes(from)) throw new Error(`${path} does not contain ${from}`);
      writeFileSync(join(root, path), content.replace(from, to));
    },
    declareDependency(workspaceDir, name, version) {
      const file = join(root, workspaceDir, 'package.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      manifest.dependencies = { ...manifest.dependencies, [name]: version };
      writeFileSync(file, JSON.stringify(manifest, null, 2));
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a root script (e.g. scripts/architecture/check-boundaries.mjs) against a tree. */
export function runScript(script: string, args: readonly string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repositoryRoot, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output: output.trimEnd() }));
  });
}
