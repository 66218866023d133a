import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  bearer,
  buildOnce,
  startAppProcess,
  startTestIssuer,
  startTestNatsServer,
  startTestPostgres,
  type AppProcess,
  type TestIssuer,
  type TestNatsServer,
  type TestPostgres,
} from '@orderly/testing';

const repository = fileURLToPath(new URL('../../../..', import.meta.url));
export const apiEntry = `${repository}apps/api/dist/main.js`;
export const serviceEntry = `${repository}apps/notifications-service/dist/main.js`;
/** `npm run events`: the operators' events command on the API's database. */
export const apiEventsEntry = `${repository}apps/api/dist/events.js`;
/** `npm run events:notifications`: the operators' events command on the service's own database. */
export const serviceEventsEntry = `${repository}apps/notifications-service/dist/events.js`;

/** Builds apps/api and apps/notifications-service once per jest run (see buildOnce). */
export function ensureBuilt(): Promise<void> {
  return buildOnce({
    repository,
    packages: ['@orderly/api', '@orderly/notifications-service'],
    resultsDir: fileURLToPath(new URL('../../.test-results', import.meta.url)),
  });
}

/** What every split-mode test file runs against: PostgreSQL provisioned for apps/api, a broker and an identity provider. */
export interface SplitStack {
  readonly postgres: TestPostgres;
  readonly nats: TestNatsServer;
  readonly issuer: TestIssuer;
  /** The API's database (every module), as `npm run db:migrate` provisioned it. */
  readonly database: DatabaseEnv;
  stop(): Promise<void>;
}

/** Builds both apps, then starts PostgreSQL, nats-server and the identity provider side by side. */
export async function startSplitStack(): Promise<SplitStack> {
  await ensureBuilt();
  const [postgres, nats, issuer] = await Promise.all([startTestPostgres(), startTestNatsServer(), startTestIssuer()]);
  return {
    postgres,
    nats,
    issuer,
    database: provision(postgres, 'api'),
    async stop() {
      await Promise.all([postgres.stop(), nats.stop(), issuer.stop()]);
    },
  };
}

const QUIET = { LOG_LEVEL: 'warn', DEMO_DATA: 'false', SHUTDOWN_DRAIN_DELAY_MS: '0', RESERVATION_SWEEP_INTERVAL_MS: '60000', WRITE_RATE_LIMIT: '1000000' };

/**
 * Where a process's database is: DATABASE_URL (no credentials) and DATABASE_ROLE_SECRET, or for
 * the embedded default DATA_DIR and EMBEDDED_POSTGRES_PORT.
 */
export type DatabaseEnv = Readonly<Record<string, string>>;

/**
 * Provisions a database as operators do, with the admin URL, before the services start:
 * `npm run db:migrate` (apps/api: every module) or `npm run db:migrate:notifications` (the
 * notifications service's own database). Returns what the services are then given.
 */
export function provision(postgres: TestPostgres, with_: 'api' | 'notifications-service'): DatabaseEnv {
  const entry = with_ === 'api' ? `${repository}apps/api/dist/migrate.js` : `${repository}apps/notifications-service/dist/migrate.js`;
  execFileSync(process.execPath, [entry], { env: { ...process.env, DATABASE_ADMIN_URL: postgres.adminUrl, DATABASE_ROLE_SECRET: postgres.roleSecret, LOG_LEVEL: 'warn' }, stdio: 'pipe' });
  return { DATABASE_URL: postgres.url, DATABASE_ROLE_SECRET: postgres.roleSecret };
}

export function startApi(database: DatabaseEnv, brokerUrl: string, issuer: TestIssuer, env: Record<string, string> = {}): Promise<AppProcess> {
  return startAppProcess({ entry: apiEntry, env: { ...database, EVENTS_BROKER_URL: brokerUrl, ...issuer.env(), ...QUIET, ...env }, readyPath: '/health/live', readyTimeoutMs: 90_000 });
}

export function startNotificationsService(database: DatabaseEnv, brokerUrl: string, issuer: TestIssuer, env: Record<string, string> = {}): Promise<AppProcess> {
  return startAppProcess({ entry: serviceEntry, env: { ...database, EVENTS_BROKER_URL: brokerUrl, ...issuer.env(), ...QUIET, ...env }, readyPath: '/health/live', readyTimeoutMs: 90_000 });
}

export async function json<T = any>(url: string, method = 'GET', body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? bearer(token) : {}) };
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Creates a product with plenty of stock (as staff) and returns its id. */
export async function createProduct(api: string, sku: string, issuer: TestIssuer): Promise<string> {
  const res = await json<{ id: string }>(`${api}/products`, 'POST', { sku, name: `Product ${sku}`, unitPrice: 1250, stock: 100_000 }, issuer.staffToken());
  if (res.status !== 201) throw new Error(`POST /products answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** The customer who places order number n. */
export const buyer = (n: number): string => `buyer${n}@example.com`;

/** Places an order as customer `buyer(n)`; its id when the API acknowledged it (201), undefined otherwise. */
export async function placeOrder(api: string, productId: string, n: number, issuer: TestIssuer): Promise<string | undefined> {
  try {
    const res = await json<{ id: string }>(`${api}/orders`, 'POST', { customerEmail: buyer(n), items: [{ productId, quantity: 1 }] }, issuer.customerToken(buyer(n)));
    return res.status === 201 ? res.body.id : undefined;
  } catch {
    return undefined; // the instance was killed mid-request: not acknowledged
  }
}

/** Rows of one SQL query on a database (admin URL). */
export async function query<T = any>(databaseUrl: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}
