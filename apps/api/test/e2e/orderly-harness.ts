import { bearer, startTestIssuer, startTestPostgres, type TestIssuer, type TestPostgres } from '@orderly/testing';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig, migrateDatabase, startOrderly, type RunningOrderly, type StartOptions } from '../../src/index.js';
import { OpenApiConformance } from './openapi-conformance.js';

export interface OrderlyUnderTest {
  readonly orderly: RunningOrderly;
  readonly postgres: TestPostgres;
  readonly url: string;
  /** An administrator's connection to the app's database, to look at what was stored. */
  readonly db: pg.Client;
  /** Creates a product over HTTP as staff (expecting 201) with a fresh SKU; answers its id. */
  createProduct(stock: number, fields?: { readonly unitPrice?: number; readonly name?: string }): Promise<string>;
  /** The management listener: /metrics and the detailed /health/ready. */
  readonly managementUrl: string;
  /** The identity provider the app trusts (its JWKS is served by the test). */
  readonly issuer: TestIssuer;
  /** Authorization headers of the customer with this e-mail (orders:write orders:read; sub derived from the e-mail). */
  customer(email: string): Record<string, string>;
  /** Authorization headers of staff: every scope (orders:read:any, catalog:write, ...). */
  readonly staff: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Provisions the database as production does (`npm run db:migrate` with the admin URL) and returns
 * the API's database environment: DATABASE_URL without credentials and DATABASE_ROLE_SECRET.
 */
export async function provisionForApp(postgres: TestPostgres): Promise<{ DATABASE_URL: string; DATABASE_ROLE_SECRET: string }> {
  await migrateDatabase(loadConfig({ DATABASE_ADMIN_URL: postgres.adminUrl, DATABASE_ROLE_SECRET: postgres.roleSecret }));
  return { DATABASE_URL: postgres.url, DATABASE_ROLE_SECRET: postgres.roleSecret };
}

/** The real app on a free port against its own throwaway PostgreSQL, provisioned as in production, trusting a test identity provider. */
export async function startOrderlyForTest(env: Record<string, string> = {}, options: StartOptions = {}): Promise<OrderlyUnderTest> {
  const issuer = await startTestIssuer();
  const postgres = await startTestPostgres().catch(async (error) => {
    await issuer.stop();
    throw error;
  });
  const db = new pg.Client(postgres.adminUrl);
  // A test that restarts PostgreSQL ends this idle connection; that is not the test's failure.
  db.on('error', () => undefined);
  try {
    await db.connect();
    const databaseEnv = await provisionForApp(postgres);
    const config = loadConfig({
      ...databaseEnv,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      DEMO_DATA: 'false',
      SHUTDOWN_DRAIN_DELAY_MS: '0',
      MANAGEMENT_PORT: '0',
      // Tests place orders in bursts; the rate limit has its own test (as the bench sets its own).
      WRITE_RATE_LIMIT: '1000000',
      ...issuer.env(),
      ...env,
    });
    const started = await startOrderly(config, options);
    // A test may stop the app itself (to see how it stops); stop() then finishes the rest.
    let appStopping: Promise<void> | undefined;
    const orderly: RunningOrderly = { ...started, stop: () => (appStopping ??= started.stop()) };
    const staff = bearer(issuer.staffToken());
    return {
      orderly,
      postgres,
      url: orderly.url,
      db,
      async createProduct(stock, { unitPrice = 1000, name = 'Test product' } = {}) {
        const sku = `SKU-${Math.random().toString(36).slice(2, 10)}`;
        const res = await http(orderly.url, 'POST', '/products', { sku, name, unitPrice, stock }, staff);
        if (res.status !== 201) throw new Error(`creating a product answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body.id as string;
      },
      managementUrl: orderly.managementUrl,
      issuer,
      customer: (email) => bearer(issuer.customerToken(email)),
      staff,
      async stop() {
        await db.end().catch(() => undefined);
        await orderly.stop();
        await postgres.stop();
        await issuer.stop();
      },
    };
  } catch (error) {
    await db.end().catch(() => undefined);
    await postgres.stop();
    await issuer.stop();
    throw error;
  }
}

export interface HttpAnswer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

const conformanceByBase = new Map<string, Promise<OpenApiConformance>>();

/** The app's /openapi.json as a checker, fetched once per running app. */
export function conformanceOf(base: string): Promise<OpenApiConformance> {
  let conformance = conformanceByBase.get(base);
  if (!conformance) {
    conformance = OpenApiConformance.load(base);
    conformanceByBase.set(base, conformance);
  }
  return conformance;
}

/**
 * One request to the app. Every answer is checked against the app's own OpenAPI document
 * (status, content type, body): an answer the document does not describe fails the test.
 */
export async function http<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
  const answer = await send<T>(base, method, path, body, headers);
  const sentToken = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  (await conformanceOf(base)).assert({ method, path, sentBody: body !== undefined, sentToken, ...answer });
  return answer;
}

async function send<T>(base: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<HttpAnswer<T>> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Collects the app's log lines (JSON) as written, for tests that assert on real log output. */
export class CapturedLogs extends Writable {
  readonly lines: Record<string, any>[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    done();
  }

  where(predicate: (line: Record<string, any>) => boolean): Record<string, any>[] {
    return this.lines.filter(predicate);
  }
}

/**
 * Runs the calls concurrently, with at most `width` in flight: as many as the app's pool has
 * connections (DATABASE_POOL_SIZE). The requests still race for the same rows, but none waits for
 * a pooled connection against the pool's acquisition timeout, which a loaded machine would turn
 * into a failure that has nothing to do with what the test checks.
 */
export async function inFlightAtMost<T>(width: number, calls: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(calls.length);
  let next = 0;
  const lane = async () => {
    while (next < calls.length) {
      const i = next++;
      results[i] = await calls[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, calls.length) }, lane));
  return results;
}
