import { bearer, startTestIssuer, startTestPostgres, type TestIssuer, type TestPostgres } from '@orderly/testing';
import { Writable } from 'node:stream';
import { loadConfig, migrateDatabase, startOrderly, type RunningOrderly, type StartOptions } from '../../src/index.js';
import { OpenApiConformance } from './openapi-conformance.js';

export interface OrderlyUnderTest {
  readonly orderly: RunningOrderly;
  readonly postgres: TestPostgres;
  readonly url: string;
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
  try {
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
    const orderly = await startOrderly(config, options);
    return {
      orderly,
      postgres,
      url: orderly.url,
      managementUrl: orderly.managementUrl,
      issuer,
      customer: (email) => bearer(issuer.customerToken(email)),
      staff: bearer(issuer.staffToken()),
      async stop() {
        await orderly.stop();
        await postgres.stop();
        await issuer.stop();
      },
    };
  } catch (error) {
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
