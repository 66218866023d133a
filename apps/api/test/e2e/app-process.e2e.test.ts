// The built app as a real process: starts on an existing database, serves, and stops on SIGTERM.
import { startAppProcess, startTestPostgres, type TestPostgres } from '@orderly/testing';
import { apiDir, ensureApiBuilt } from './built-api.js';

let postgres: TestPostgres;

beforeAll(async () => {
  await ensureApiBuilt();
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => postgres?.stop());

it('serves the API from dist/main.js and exits 0 on SIGTERM', async () => {
  const app = await startAppProcess({
    entry: `${apiDir}/dist/main.js`,
    env: { DATABASE_URL: postgres.adminUrl, LOG_LEVEL: 'warn', DEMO_DATA: 'true' },
    readyPath: '/products',
  });
  const res = await fetch(`${app.url}/products?limit=100`);
  expect(res.status).toBe(200);
  const page = (await res.json()) as { items: unknown[] };
  expect(page.items.length).toBeGreaterThan(0);
  expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
});
