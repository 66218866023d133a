import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first use, reused afterwards. */
  readonly dataDir: string;
  /** Port to start the server on (a cluster already running keeps the port it has). */
  readonly port: number;
  /**
   * What to do when another live process already runs this cluster: 'refuse' (the app: one owner
   * at a time) throws EmbeddedPostgresInUse naming that process; 'attach' (operators' commands)
   * connects to the running server as a client and leaves it running. Default 'refuse'.
   */
  readonly whenOwned?: 'refuse' | 'attach';
  /** false trades crash safety for speed (fsync off): for throwaway test clusters only. */
  readonly durable?: boolean;
  /**
   * true: a new cluster starts as a copy of a template cluster with the same settings, initialised
   * once per installation (node_modules/.cache/orderly-embedded-postgres), instead of running
   * initdb. For throwaway test clusters, which a test run starts by the dozen: a copy takes a
   * fraction of initdb's 1-5 s. Each copy is a cluster of its own. Default false.
   */
  readonly fromTemplate?: boolean;
  readonly onLog?: (line: string) => void;
  /**
   * false: the caller stops the server itself on SIGINT/SIGTERM, as part of a graceful shutdown.
   * embedded-postgres otherwise stops every cluster on those signals (async-exit-hook, registered
   * when it is imported), concurrently with whatever the process is still finishing, and then
   * exits with 128+signal. The 'exit' hook stays, as a last resort for a process that exits
   * without stopping its server. Default true.
   */
  readonly stopOnSignals?: boolean;
}

export interface RunningPostgres {
  /** postgres:// URL of the cluster owner (superuser). */
  readonly adminUrl: string;
  readonly port: number;
  /** false: another process owns the server and this one attached to it as a client. */
  readonly owned: boolean;
  /** Stops the server if this process owns it; an attached process leaves it running. */
  stop(): Promise<void>;
}

/** Another live process owns the cluster of this data directory. */
export class EmbeddedPostgresInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: ClusterOwner,
  ) {
    super(
      `The embedded PostgreSQL in ${dataDir} is in use by process ${owner.pid} (${owner.command}). ` +
        'Stop that process first, or give this one its own DATA_DIR (and EMBEDDED_POSTGRES_PORT).',
    );
    this.name = 'EmbeddedPostgresInUse';
  }
}

/** The server exited while starting; `reason` is what it logged (e.g. its port is in use). */
export class EmbeddedPostgresDidNotStart extends Error {
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly reason: string,
  ) {
    super(`the embedded PostgreSQL in ${dataDir} did not start on port ${port}: ${reason}`);
    this.name = 'EmbeddedPostgresDidNotStart';
  }

  get portInUse(): boolean {
    return this.reason.includes('already in use');
  }
}

export interface ClusterOwner {
  readonly pid: number;
  /** What the owner runs (its entry script), for messages. */
  readonly command: string;
  /** The process' start time (Linux), so a recycled pid is not taken for the owner. */
  readonly startedAt: string | null;
}

const ADMIN_USER = 'postgres';
// Local-only development cluster listening on 127.0.0.1; the password keeps other local users out
// of nothing important, so it is fixed rather than a secret to manage.
const ADMIN_PASSWORD = 'orderly-embedded';
const READY_TIMEOUT_MS = 60_000;

/**
 * Starts a real PostgreSQL (npm embedded-postgres) on 127.0.0.1, or attaches to the one already
 * running on this data directory. One process owns a cluster at a time: it holds the owner file
 * next to the data directory (created exclusively, so two starters cannot both win) and is the
 * only one that ever stops the server. A server left running by an owner that died (SIGKILL) is
 * an orphan: the next owner stops it first, so a restart after a crash just works.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const parent = join(dataDir, '..');
  mkdirSync(parent, { recursive: true });
  const ownership = claimOwnership(dataDir);
  if (ownership.owner) {
    if ((options.whenOwned ?? 'refuse') === 'refuse') throw new EmbeddedPostgresInUse(dataDir, ownership.owner);
    const port = await waitForReadyServer(dataDir, ownership.owner);
    return { adminUrl: embeddedAdminUrl(port), port, owned: false, stop: async () => undefined };
  }
  try {
    return await startOwnedServer(dataDir, options);
  } catch (error) {
    ownership.release();
    throw error;
  }
}

/** No process runs the embedded PostgreSQL of this data directory (a client may not start it). */
export class EmbeddedPostgresNotRunning extends Error {
  constructor(readonly dataDir: string, waitedMs: number) {
    super(`no process has run the embedded PostgreSQL in ${dataDir} for ${Math.round(waitedMs / 1000)} s`);
    this.name = 'EmbeddedPostgresNotRunning';
  }
}

/**
 * A client of the embedded cluster of this data directory that never starts or stops it (a
 * module's own service beside the app that owns it): waits, up to `timeoutMs`, until a live owner
 * runs the server and it accepts connections. stop() does nothing.
 */
export async function attachToEmbeddedPostgres(dataDir: string, timeoutMs = READY_TIMEOUT_MS): Promise<RunningPostgres> {
  const directory = resolve(dataDir);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const owner = readOwner(ownerFile(directory));
    const postmaster = owner && isSameLiveProcess(owner) ? readPostmaster(directory) : null;
    if (postmaster?.status === 'ready') return { adminUrl: embeddedAdminUrl(postmaster.port), port: postmaster.port, owned: false, stop: async () => undefined };
    if (Date.now() > deadline) throw new EmbeddedPostgresNotRunning(directory, timeoutMs);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startOwnedServer(dataDir: string, options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.stopOnSignals === false) leaveShutdownSignalsToTheCaller();
  const runAsPostgresUser = userInfo().uid === 0;
  // As root, the server runs as the "postgres" OS user, which must be able to reach the folder.
  if (runAsPostgresUser) chmodSync(join(dataDir, '..'), statSync(join(dataDir, '..')).mode | 0o711);
  await stopOrphanedServer(dataDir);
  const durable = options.durable ?? true;
  const recent: string[] = [];
  const settings = {
    user: ADMIN_USER,
    password: ADMIN_PASSWORD,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: runAsPostgresUser,
    // A throwaway cluster skips initdb's final fsync of every file it wrote (about half of
    // initdb's time, more on a busy disk): it runs with fsync off anyway.
    initdbFlags: ['--encoding=UTF8', '--no-instructions', ...(durable ? [] : ['--no-sync'])],
  };
  const server = new EmbeddedPostgres({
    ...settings,
    databaseDir: dataDir,
    port: options.port,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: (chunk: string) => {
      // The last lines are kept to say why the server did not start (port in use, bad data dir).
      recent.push(...String(chunk).split('\n').filter((line) => line.trim() !== ''));
      recent.splice(0, Math.max(0, recent.length - 20));
      options.onLog?.(chunk);
    },
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    if (options.fromTemplate) {
      const template = await templateCluster(settings, (databaseDir) => new EmbeddedPostgres({ ...settings, databaseDir, onLog: () => undefined }).initialise());
      await copyCluster(template, dataDir);
    } else {
      await server.initialise();
    }
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits during start-up: its log says why.
    if (error) throw error;
    const telling = recent.filter((line) => /FATAL|PANIC|ERROR|already in use/.test(line));
    throw new EmbeddedPostgresDidNotStart(dataDir, options.port, (telling.length > 0 ? telling : recent.slice(-1)).join(' / ') || 'it exited');
  }
  return {
    adminUrl: embeddedAdminUrl(options.port),
    port: options.port,
    owned: true,
    async stop() {
      await server.stop();
      releaseOwnership(dataDir);
    },
  };
}

/**
 * The data directory of the template cluster for these initdb settings, initialised on first use.
 * It is never started, only copied. Two processes that both find it missing both initialise one;
 * each renames its own into place in one step, so a template is always whole (the slower one's is
 * dropped). Its name hashes the settings and the embedded-postgres version: a change to either
 * makes a new template. npm ci (which empties node_modules) removes them all.
 */
async function templateCluster(settings: object, initialise: (dataDir: string) => Promise<void>): Promise<string> {
  const require = createRequire(import.meta.url);
  // <node_modules>/embedded-postgres/dist/index.js
  const embeddedDir = join(dirname(require.resolve('embedded-postgres')), '..');
  const modules = join(embeddedDir, '..');
  const version = (JSON.parse(readFileSync(join(embeddedDir, 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256').update(JSON.stringify({ version, settings })).digest('hex').slice(0, 16);
  const cache = join(modules, '.cache', 'orderly-embedded-postgres');
  const template = join(cache, key);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, `${key}.`));
  try {
    // As root, initdb runs as the "postgres" OS user, which must be able to reach the folder.
    if (userInfo().uid === 0) chmodSync(staging, 0o711);
    await initialise(join(staging, 'data'));
    // Templates appear whole (by rename): a folder without PG_VERSION there is debris, replace it.
    if (existsSync(template) && !existsSync(join(template, 'PG_VERSION'))) rmSync(template, { recursive: true, force: true });
    try {
      renameSync(join(staging, 'data'), template);
    } catch (error) {
      // Another process put its template in place first: use that one.
      if (!existsSync(join(template, 'PG_VERSION'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return template;
}

/**
 * Copies a cluster's data directory, owners and modes included (PostgreSQL checks both). `from/.`
 * copies the contents whether or not `to` exists already (an empty folder, say).
 */
async function copyCluster(from: string, to: string): Promise<void> {
  await promisify(execFile)('cp', ['-a', `${from}/.`, to]);
}

/** The owner's URL of an embedded cluster on this port. */
function embeddedAdminUrl(port: number): string {
  return `postgres://${ADMIN_USER}:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`;
}

function ownerFile(dataDir: string): string {
  return `${dataDir}.owner.json`;
}

/** Becomes the owner, or reports the live owner. A dead owner's file is taken over. */
function claimOwnership(dataDir: string): { owner: ClusterOwner | null; release(): void } {
  const file = ownerFile(dataDir);
  const me: ClusterOwner = { pid: process.pid, command: basename(process.argv[1] ?? process.argv0), startedAt: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      releaseOnExit(dataDir);
      return { owner: null, release: () => releaseOwnership(dataDir) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner && isSameLiveProcess(owner)) return { owner, release: () => undefined };
    // Its owner is gone: take over (unless another starter removed and claimed it meanwhile).
    if (JSON.stringify(readOwner(file)) === JSON.stringify(owner)) rmSync(file, { force: true });
  }
  throw new Error(`could not claim ${file}: several processes are starting on ${dataDir} at once`);
}

function releaseOwnership(dataDir: string): void {
  ownedDataDirs.delete(dataDir);
  const file = ownerFile(dataDir);
  if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
}

// A process that exits without stopping its server (embedded-postgres' own 'exit' hook then
// kills it) gives its clusters up as well; one listener for all of them.
const ownedDataDirs = new Set<string>();
let exitListener = false;
function releaseOnExit(dataDir: string): void {
  if (!exitListener) process.once('exit', () => [...ownedDataDirs].forEach(releaseOwnership));
  exitListener = true;
  ownedDataDirs.add(dataDir);
}

function readOwner(file: string): ClusterOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as ClusterOwner;
    return Number.isSafeInteger(owner.pid) ? owner : null;
  } catch {
    return null; // absent, or half-written by a starter that is writing it right now
  }
}

function isSameLiveProcess(owner: ClusterOwner): boolean {
  if (!isAlive(owner.pid)) return false;
  const startedAt = processStartTime(owner.pid);
  return owner.startedAt === null || startedAt === null || startedAt === owner.startedAt;
}

/** Linux: the process' start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

interface Postmaster {
  readonly pid: number;
  readonly port: number;
  /** "starting", "ready" or "stopping" (PostgreSQL writes it on line 8). */
  readonly status: string;
}

function readPostmaster(dataDir: string): Postmaster | null {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const port = Number.parseInt(lines[3] ?? '', 10);
    if (!Number.isSafeInteger(pid) || !isPostgres(pid)) return null;
    return { pid, port, status: (lines[7] ?? '').trim() };
  } catch {
    return null;
  }
}

/** The port of the server the live owner runs, once it accepts connections. */
async function waitForReadyServer(dataDir: string, owner: ClusterOwner): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const postmaster = readPostmaster(dataDir);
    if (postmaster?.status === 'ready') return postmaster.port;
    if (!isSameLiveProcess(owner)) throw new Error(`the owner of the embedded PostgreSQL in ${dataDir} (process ${owner.pid}) exited`);
    if (Date.now() > deadline) {
      throw new Error(`the embedded PostgreSQL in ${dataDir}, owned by process ${owner.pid} (${owner.command}), is not running (status: ${postmaster?.status ?? 'stopped'})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function leaveShutdownSignalsToTheCaller(): void {
  // The very async-exit-hook instance embedded-postgres registered with: resolved from its folder.
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const exitHook = fromEmbeddedPostgres('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  }
}

/** Only called by the owner: a server still running now was left behind by a dead owner. */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const postmaster = readPostmaster(dataDir);
  if (!postmaster) return;
  process.kill(postmaster.pid, 'SIGINT'); // PostgreSQL's "fast shutdown": rolls back open transactions, exits cleanly
  for (let waited = 0; isAlive(postmaster.pid) && waited < 30_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/** Alive and (where /proc tells) a PostgreSQL server, so a recycled pid is never signalled. */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc (macOS): trust the pid file, as PostgreSQL itself does
  }
}
