import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const apiDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds apps/api (through turbo, so an unchanged tree is a cache hit) once per jest run, for the
 * tests that run dist/main.js as a child process. Several test files may ask at once (jest
 * workers): a lock directory serialises them, and a stamp naming the jest run (the workers'
 * parent process) keeps a later file from rebuilding - a cache restore rewriting dist/ - while
 * an earlier file is (re)starting the app from it.
 */
export async function ensureApiBuilt(): Promise<string> {
  const stamp = `${apiDir}/.test-results/build.stamp`;
  const run = String(process.ppid);
  await withApiBuildLock(async () => {
    if (readStamp(stamp) !== run) {
      execFileSync('npx', ['turbo', 'run', 'build', '--filter=@orderly/api', '--output-logs=none'], { cwd: apiDir, stdio: 'ignore' });
      writeFileSync(stamp, run);
    }
  });
  return `${apiDir}/dist`;
}

/** Runs `work` while no other test file of this run builds apps/api (e.g. `npm start`, which builds first). */
export async function withApiBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = `${apiDir}/.test-results/build.lock`;
  mkdirSync(`${apiDir}/.test-results`, { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 180_000) throw new Error(`${lock} held for 3 minutes; remove it if no test run is building`);
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
