import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildOnceOptions {
  /** The repository root, where turbo runs. */
  readonly repository: string;
  /** The workspace packages to build, e.g. ['@orderly/api']. */
  readonly packages: readonly string[];
  /** The test package's .test-results folder: its lock and stamp live there. */
  readonly resultsDir: string;
}

/**
 * Builds the given packages (through turbo, so an unchanged tree is a cache hit) once per jest run,
 * for tests that run a built app as a child process. Several test files may ask at once (jest
 * workers): a lock directory serialises them, and a stamp naming the jest run (the workers' parent
 * process) keeps a later file from rebuilding - a cache restore rewriting dist/ - while an earlier
 * file is (re)starting the app from it.
 */
export async function buildOnce(options: BuildOnceOptions): Promise<void> {
  const stamp = join(options.resultsDir, 'build.stamp');
  const run = String(process.ppid);
  await withBuildLock(options.resultsDir, async () => {
    if (readStamp(stamp) !== run) {
      const filters = options.packages.map((name) => `--filter=${name}`);
      execFileSync('npx', ['turbo', 'run', 'build', ...filters, '--output-logs=none'], { cwd: options.repository, stdio: 'ignore' });
      writeFileSync(stamp, run);
    }
  });
}

/** Runs `work` while no other test file of this run holds the build lock of `resultsDir` (e.g. `npm start`, which builds first). */
export async function withBuildLock<T>(resultsDir: string, work: () => Promise<T>): Promise<T> {
  const lock = join(resultsDir, 'build.lock');
  mkdirSync(resultsDir, { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 300_000) throw new Error(`${lock} held for 5 minutes; remove it if no test run is building`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmdirSync(lock);
  }
}

function readStamp(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
