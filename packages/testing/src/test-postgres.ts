import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '@orderly/kernel';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** The cluster owner's (superuser's) URL, database "postgres". */
  readonly adminUrl: string;
  /** The same server and database without credentials: what the API's DATABASE_URL looks like. */
  readonly url: string;
  readonly port: number;
  /** A random role secret for this cluster's module roles (DATABASE_ROLE_SECRET). */
  readonly roleSecret: string;
  /** Stops the server and keeps its files, e.g. to test what clients do while it is down. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and files after stopServer(). */
  startServer(): Promise<void>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

export interface TestPostgresOptions {
  /** Receives the server's log output (e.g. to assert what reached the statement log). */
  readonly onLog?: (chunk: string) => void;
}

/**
 * A throwaway real PostgreSQL for one test file: its own cluster in a temporary directory, on a
 * free port, with fsync off. The cluster is a copy of a template initialised once per installation
 * (no initdb per file): about a second to start; nothing is shared between test files.
 */
export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-pg-'));
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir: join(dir, 'data'), port, durable: false, fromTemplate: true, onLog: options.onLog });
  let server: RunningPostgres | null = await start();
  const url = new URL(server.adminUrl);
  url.username = '';
  url.password = '';
  return {
    adminUrl: server.adminUrl,
    url: url.toString(),
    port,
    roleSecret: randomBytes(32).toString('base64url'),
    async stopServer() {
      await server?.stop();
      server = null;
    },
    async startServer() {
      server ??= await start();
    },
    async stop() {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
