// A throwaway copy of this repository (the working tree as it is, uncommitted changes included)
// in a temporary directory, committed into a fresh git repository so turbo hashes it as it hashes
// a real checkout. node_modules is this checkout's, linked (the root's and each workspace's own),
// except @orderly/*: those link to the copy's own workspaces (plus any it adds), so code in the
// copy resolves the copy's packages.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const turboBin = join(repoRoot, 'node_modules', '.bin', 'turbo');

export interface RepoCopy {
  readonly dir: string;
  /** Runs a command in the copy (cwd relative to its root), with a clean turbo environment. */
  run(command: string, args: readonly string[], options?: { cwd?: string; env?: Record<string, string> }): SpawnSyncReturns<string>;
  /** turbo in the copy; throws with turbo's output when it fails. */
  turbo(args: readonly string[]): string;
  remove(): void;
}

export function copyRepo(): RepoCopy {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-repo-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && existsSync(join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(dir, file));
  }
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@orderly'), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry !== '@orderly') symlinkSync(join(repoRoot, 'node_modules', entry), join(modules, entry));
  }
  for (const folder of ['packages', 'apps', 'tools'].filter((f) => existsSync(join(dir, f)))) {
    for (const ws of readdirSync(join(dir, folder))) {
      if (existsSync(join(dir, folder, ws, 'package.json'))) {
        const name = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require(process.argv[1]).name)', join(dir, folder, ws, 'package.json')], { encoding: 'utf8' }));
        symlinkSync(join(dir, folder, ws), join(modules, name));
        // Dependencies npm could not hoist live in the workspace's own node_modules: link those too.
        if (existsSync(join(repoRoot, folder, ws, 'node_modules'))) symlinkSync(join(repoRoot, folder, ws, 'node_modules'), join(dir, folder, ws, 'node_modules'));
      }
    }
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=repo-copy', '-c', 'user.email=repo-copy@orderly.invalid', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'copy');

  const env = (extra: Record<string, string> = {}) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TURBO_'))) as Record<string, string>;
    return { ...clean, TURBO_TELEMETRY_DISABLED: '1', ...extra };
  };
  const copy: RepoCopy = {
    dir,
    run(command, args, options = {}) {
      return spawnSync(command, args, { cwd: join(dir, options.cwd ?? '.'), env: env(options.env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    },
    turbo(args) {
      const result = copy.run(turboBin, args);
      if (result.status !== 0) throw new Error(`turbo ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
      return result.stdout;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return copy;
}
