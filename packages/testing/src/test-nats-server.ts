import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNatsServer, NATS_SERVER_INSTALL_HINT, startLocalNatsServer, type LocalNatsServer } from '@orderly/kernel';
import { freePort } from './free-port.js';

export interface TestNatsServer {
  /** nats://127.0.0.1:<port>; the same across restarts. */
  readonly url: string;
  readonly pid: number;
  /** SIGKILLs the server (an outage or a crash); the store survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store (after kill()). */
  restart(): Promise<void>;
  /** Stops it and deletes its store. */
  stop(): Promise<void>;
}

/**
 * Whether the broker tests can run here. Without nats-server they are skipped with a warning that
 * `npm test` prints above its closing line, except under CI=true, where a missing broker fails
 * the run (CI must never pass by skipping them).
 */
export function brokerAvailable(): boolean {
  if (findNatsServer()) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true and no broker: ${NATS_SERVER_INSTALL_HINT}`);
  const results = join(process.cwd(), '.test-results');
  mkdirSync(results, { recursive: true });
  appendFileSync(join(results, 'warnings.txt'), `broker tests did not run in ${process.cwd()}: ${NATS_SERVER_INSTALL_HINT}\n`);
  return false;
}

/** A real nats-server with JetStream on a free port and a throwaway store, for one test file. */
export async function startTestNatsServer(): Promise<TestNatsServer> {
  const storeDir = mkdtempSync(join(tmpdir(), 'orderly-nats-'));
  const port = await freePort();
  let server: LocalNatsServer = await startLocalNatsServer({ storeDir, port });
  return {
    url: server.url,
    get pid() {
      return server.pid;
    },
    async kill() {
      await server.stop('SIGKILL');
    },
    async restart() {
      server = await startLocalNatsServer({ storeDir, port });
    },
    async stop() {
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
