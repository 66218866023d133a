import { fileURLToPath } from 'node:url';
import { buildOnce, withBuildLock } from '@orderly/testing';

export const apiDir = fileURLToPath(new URL('../..', import.meta.url));
const repository = fileURLToPath(new URL('../../../..', import.meta.url));
const resultsDir = `${apiDir}/.test-results`;

/** Builds apps/api once per jest run (see buildOnce) for the tests that run dist/main.js as a child process. */
export async function ensureApiBuilt(): Promise<string> {
  await buildOnce({ repository, packages: ['@orderly/api'], resultsDir });
  return `${apiDir}/dist`;
}

/** Runs `work` while no other test file of this run builds apps/api (e.g. `npm start`, which builds first). */
export function withApiBuildLock<T>(work: () => Promise<T>): Promise<T> {
  return withBuildLock(resultsDir, work);
}
