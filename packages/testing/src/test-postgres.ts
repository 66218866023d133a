import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '@orderly/kernel';
import { freePort } from './free-port.js';

export interface TestPostgres {
  readonly adminUrl: string;
  readonly port: number;
  /** Stops the server and keeps its files, e.g. to test what clients do while it is down. */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and files after stopServer(). */
  startServer(): Promise<void>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/**
 * A throwaway real PostgreSQL for one test file: its own cluster in a temporary directory, on a
 * free port, with fsync off. About a second to start; nothing is shared between test files.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-pg-'));
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir: join(dir, 'data'), port, durable: false });
  let server: RunningPostgres | null = await start();
  return {
    adminUrl: server.adminUrl,
    port,
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
