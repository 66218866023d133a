// Production database set-up, as real processes on a real cluster: `npm run db:migrate` provisions
// with a CREATEROLE admin that is not a superuser (and again on re-runs); two Orderly databases
// share the server, each with its own module roles; the API connects only as those roles, with
// no admin credential, and refuses to start - naming what to do - without the role secret, with
// an admin URL in its environment, on a database not migrated, or on a database it cannot reach.
import { spawn } from 'node:child_process';
import { rolePassword } from '@orderly/kernel';
import { bearer, freePort, startAppProcess, startTestIssuer, startTestPostgres, type AppProcess, type TestIssuer, type TestPostgres } from '@orderly/testing';
import pg from 'pg';
import { apiDir, ensureApiBuilt } from './built-api.js';

let postgres: TestPostgres;
/** Who issues the tokens the API accepts (production configuration needs one). */
let issuer: TestIssuer;
let superuser: pg.Client;
const serverLog: string[] = [];
const apps: AppProcess[] = [];
const SHOP_SECRET = 'shop-secret-0123456789-0123456789-abcdef';
const STAGING_SECRET = 'staging-secret-0123456789-0123456789-xyz';

const adminUrl = (database: string) => `postgres://shop_admin:admin-pw@127.0.0.1:${postgres.port}/${database}`;
const apiUrl = (database: string) => `postgres://127.0.0.1:${postgres.port}/${database}`;

/**
 * Runs a built entry point to its end. Asynchronously: this process reads the server's log pipe
 * (statement logging is on), and blocking here would fill it and stall the server.
 */
function run(entry: 'migrate.js' | 'main.js', env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DATABASE_')));
  const child = spawn(process.execPath, [`${apiDir}/dist/${entry}`], { env: { ...clean, LOG_LEVEL: 'warn', PORT: '0', MANAGEMENT_PORT: '0', ...issuer.env(), ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

async function startApp(database: string, secret: string): Promise<AppProcess> {
  const app = await startAppProcess({
    entry: `${apiDir}/dist/main.js`,
    env: { DATABASE_URL: apiUrl(database), DATABASE_ROLE_SECRET: secret, LOG_LEVEL: 'warn', DEMO_DATA: 'false', ...issuer.env() },
    readyPath: '/health/ready',
    // Start-up is a condition wait: its ceiling is for a wedged app, not a slow machine (a run at
    // load 15-20 on two cores took over 30 s for the second of two apps).
    readyTimeoutMs: 90_000,
  });
  apps.push(app);
  return app;
}

async function createProduct(app: AppProcess, sku: string): Promise<{ status: number; id: string }> {
  const res = await fetch(`${app.url}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(issuer.staffToken()) },
    body: JSON.stringify({ sku, name: 'Lamp', unitPrice: 100, stock: 3 }),
  });
  return { status: res.status, id: ((await res.json()) as { id: string }).id };
}

beforeAll(async () => {
  await ensureApiBuilt();
  issuer = await startTestIssuer();
  postgres = await startTestPostgres({ onLog: (chunk) => serverLog.push(chunk) });
  superuser = new pg.Client(postgres.adminUrl);
  await superuser.connect();
  // What a managed PostgreSQL gives: an admin with CREATEROLE (not superuser) owning the databases.
  await superuser.query(`CREATE ROLE shop_admin LOGIN CREATEROLE NOSUPERUSER PASSWORD 'admin-pw'`);
  for (const database of ['shop', 'shop_staging', 'shop_empty']) await superuser.query(`CREATE DATABASE ${database} OWNER shop_admin`);
  // Every statement in the server log, to check no password travels in plain text.
  await superuser.query(`ALTER SYSTEM SET log_statement = 'all'`);
  await superuser.query('SELECT pg_reload_conf()');
}, 120_000);
afterAll(async () => {
  await issuer?.stop();
  await Promise.all(apps.map((app) => app.kill('SIGTERM')));
  await superuser?.end();
  await postgres?.stop();
});

describe('npm run db:migrate with a CREATEROLE admin (no superuser)', () => {
  it('provisions a database, and provisions it again on a re-run', async () => {
    for (let run_ = 1; run_ <= 2; run_++) {
      const migrate = await run('migrate.js', { DATABASE_ADMIN_URL: adminUrl('shop'), DATABASE_ROLE_SECRET: SHOP_SECRET });
      expect({ run: run_, status: migrate.status, stderr: migrate.stderr }).toEqual({ run: run_, status: 0, stderr: '' });
    }
  });

  it('provisions a second database on the same server with its own roles', async () => {
    const migrate = await run('migrate.js', { DATABASE_ADMIN_URL: adminUrl('shop_staging'), DATABASE_ROLE_SECRET: STAGING_SECRET });
    expect({ status: migrate.status, stderr: migrate.stderr }).toEqual({ status: 0, stderr: '' });
    const { rows } = await superuser.query(`SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname LIKE 'orderly_%' ORDER BY 1`);
    expect(rows).toEqual(
      [
        'orderly_notifications_shop', 'orderly_notifications_shop_staging', 'orderly_orders_shop', 'orderly_orders_shop_staging',
        'orderly_products_shop', 'orderly_products_shop_staging',
      ].map((rolname) => ({ rolname, rolsuper: false, rolcreaterole: false, rolcreatedb: false })),
    );
  });

  it('sets role passwords as SCRAM-SHA-256 verifiers; the passwords never reach the server in SQL', async () => {
    const { rows } = await superuser.query(`SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'orderly_%'`);
    expect(rows.length).toBe(6);
    for (const row of rows) expect(row.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    const log = serverLog.join('');
    expect(log).toContain('PASSWORD \'SCRAM-SHA-256$4096:'); // the statement log is on: the verifiers are there
    for (const row of rows) {
      const password = rolePassword(row.rolname.includes('staging') ? STAGING_SECRET : SHOP_SECRET, row.rolname);
      expect(log).not.toContain(password);
    }
  });
});

describe('the API in production configuration', () => {
  it('serves from both databases at once, each as its own module roles and nothing else', async () => {
    const shop = await startApp('shop', SHOP_SECRET);
    const staging = await startApp('shop_staging', STAGING_SECRET);
    const inShop = await createProduct(shop, 'ROLES-1');
    const inStaging = await createProduct(staging, 'ROLES-1'); // same SKU: another database
    expect([inShop.status, inStaging.status]).toEqual([201, 201]);
    expect((await fetch(`${staging.url}/products/${inShop.id}`)).status).toBe(404);

    const { rows } = await superuser.query(
      `SELECT DISTINCT datname, usename FROM pg_stat_activity WHERE datname IN ('shop', 'shop_staging') ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { datname: 'shop', usename: 'orderly_notifications_shop' },
      { datname: 'shop', usename: 'orderly_orders_shop' },
      { datname: 'shop', usename: 'orderly_products_shop' },
      { datname: 'shop_staging', usename: 'orderly_notifications_shop_staging' },
      { datname: 'shop_staging', usename: 'orderly_orders_shop_staging' },
      { datname: 'shop_staging', usename: 'orderly_products_shop_staging' },
    ]);
  }, 120_000);

  it.each([
    ['without DATABASE_ROLE_SECRET', { DATABASE_URL: 'shop' }, 'DATABASE_ROLE_SECRET is required with DATABASE_URL: at least 32 characters'],
    ['with a short DATABASE_ROLE_SECRET', { DATABASE_URL: 'shop', DATABASE_ROLE_SECRET: 'short' }, 'DATABASE_ROLE_SECRET must have at least 32 characters (it has 5)'],
    ['with credentials in DATABASE_URL', { DATABASE_URL: 'admin:shop', DATABASE_ROLE_SECRET: SHOP_SECRET }, 'DATABASE_URL must not contain a user or password'],
    ['holding DATABASE_ADMIN_URL', { DATABASE_URL: 'shop', DATABASE_ADMIN_URL: 'admin:shop', DATABASE_ROLE_SECRET: SHOP_SECRET }, 'DATABASE_ADMIN_URL is for `npm run db:migrate` only'],
    ['with another DATABASE_ROLE_SECRET than db:migrate used', { DATABASE_URL: 'shop', DATABASE_ROLE_SECRET: STAGING_SECRET }, 'refused the module role orderly_products_shop (password authentication failed for user "orderly_products_shop"): run `npm run db:migrate`'],
    ['on a database that was never migrated', { DATABASE_URL: 'shop_empty', DATABASE_ROLE_SECRET: SHOP_SECRET }, 'refused the module role orderly_products_shop_empty'],
  ])('refuses to start %s, saying what to do', async (_what, settings: Record<string, string>, message) => {
    const env = { ...settings };
    for (const name of ['DATABASE_URL', 'DATABASE_ADMIN_URL'] as const) {
      if (env[name]) env[name] = env[name].startsWith('admin:') ? adminUrl(env[name].slice(6)) : apiUrl(env[name]);
    }
    const start = await run('main.js', env);
    expect(start.status).toBe(1);
    expect(start.stderr).toContain(message);
    expect(start.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  it('refuses to start on a database whose migrations are behind, naming the command', async () => {
    await superuser.query(`CREATE DATABASE shop_behind OWNER shop_admin`);
    expect((await run('migrate.js', { DATABASE_ADMIN_URL: adminUrl('shop_behind'), DATABASE_ROLE_SECRET: SHOP_SECRET })).status).toBe(0);
    const behind = new pg.Client(`postgres://postgres:orderly-embedded@127.0.0.1:${postgres.port}/shop_behind`);
    await behind.connect();
    await behind.query(`DELETE FROM orders.migrations WHERE id = (SELECT max(id) FROM orders.migrations) RETURNING name`);
    await behind.end();
    const start = await run('main.js', { DATABASE_URL: apiUrl('shop_behind'), DATABASE_ROLE_SECRET: SHOP_SECRET });
    expect(start.status).toBe(1);
    expect(start.stderr).toMatch(/The database lacks migrations of orders \(\w+\): run `npm run db:migrate` with DATABASE_ADMIN_URL/);
  });

  it('names DATABASE_URL when nothing answers there, without a stack trace', async () => {
    const port = await freePort();
    const start = await run('main.js', { DATABASE_URL: `postgres://127.0.0.1:${port}/shop`, DATABASE_ROLE_SECRET: SHOP_SECRET });
    expect(start.status).toBe(1);
    expect(start.stderr).toContain(`DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${port}/shop (connect ECONNREFUSED 127.0.0.1:${port})`);
    expect(start.stderr).not.toMatch(/^\s+at /m);
  });

  it('db:migrate without DATABASE_ADMIN_URL but with DATABASE_URL says which variable it needs', async () => {
    const migrate = await run('migrate.js', { DATABASE_URL: apiUrl('shop'), DATABASE_ROLE_SECRET: SHOP_SECRET });
    expect(migrate.status).toBe(1);
    expect(migrate.stderr).toContain('`npm run db:migrate` needs DATABASE_ADMIN_URL');
  });
});
