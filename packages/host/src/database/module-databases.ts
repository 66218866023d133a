import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  attachToEmbeddedPostgres,
  EmbeddedPostgresDidNotStart,
  EmbeddedPostgresInUse,
  EmbeddedPostgresNotRunning,
  isDatabaseUnavailable,
  moduleConnections,
  pendingMigrations,
  provisionModuleDatabases,
  sqlState,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type ModuleConnection,
  type ModuleDatabaseDefinition,
  type RunningPostgres,
} from '@orderly/kernel';
import { ConfigError, StartRefused, type OrderlyConfig } from '../config.js';

export interface PreparedDatabase {
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  readonly embedded: boolean;
  /** Stops the embedded PostgreSQL, if this process started it. */
  stop(): Promise<void>;
}

export interface PrepareOptions {
  /** The modules this process runs: it connects as their roles (and checks their migrations). */
  readonly modules: readonly ModuleDatabaseDefinition[];
  /**
   * What the owner of the embedded PostgreSQL provisions (default: `modules`). apps/api provisions
   * every module, so that a module running as its own service finds its role and schema there.
   */
  readonly provision?: readonly ModuleDatabaseDefinition[];
  /** false: the caller stops the embedded server itself on SIGTERM (see startEmbeddedPostgres). */
  readonly stopOnSignals?: boolean;
  /**
   * When another process runs the embedded PostgreSQL of DATA_DIR: 'refuse' (the app, its one
   * owner) or 'attach' as a client and leave it running (operators' commands).
   */
  readonly whenOwned?: 'refuse' | 'attach';
}

const MIGRATE_HINT = 'run `npm run db:migrate` with DATABASE_ADMIN_URL and the same DATABASE_ROLE_SECRET first';
const EMBEDDED_HINT = 'start the app once, or run `npm run db:migrate`';

/**
 * The database connections of a process that runs modules (`npm start`, a module's own service),
 * one role per module:
 * - DATABASE_URL (production): it only connects, as the module roles; it holds no admin
 *   credential and provisions nothing. It refuses to start, naming `npm run db:migrate`, when a
 *   role cannot log in or a module's migrations are missing.
 * - unset (the embedded default): starts the embedded PostgreSQL of DATA_DIR (refusing when
 *   another process owns it) and provisions it itself, so one command starts everything.
 */
export async function prepareDatabase(config: OrderlyConfig, options: PrepareOptions): Promise<PreparedDatabase> {
  refuseAdminCredential(config);
  if (config.databaseUrl) {
    return connectToDatabaseUrl(config, options.modules);
  }
  const embedded = await startEmbedded(embeddedPostgresOptions(config, { whenOwned: 'refuse', ...options }), config);
  try {
    const provisioned = await provisionModuleDatabases({
      adminUrl: embedded.adminUrl,
      modules: options.provision ?? options.modules,
      roleSecret: embeddedRoleSecret(config),
      poolSize: config.poolSize,
      handlerPoolSize: config.handlerPoolSize,
    });
    const connections = new Map(options.modules.map((m) => [m.module, provisioned.get(m.module)!] as const));
    return { connections, embedded: true, stop: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/**
 * The database of a module that runs as its own service: DATABASE_URL as for the API (module roles
 * only, migrations checked), or without it the embedded PostgreSQL that the app started from the
 * same DATA_DIR runs - as a client: it never starts or stops that server, and waits (up to
 * `timeoutMs`) for the app to have started it and provisioned the modules.
 */
export async function attachDatabase(config: OrderlyConfig, modules: readonly ModuleDatabaseDefinition[], timeoutMs = 120_000): Promise<PreparedDatabase> {
  refuseAdminCredential(config);
  if (config.databaseUrl) return connectToDatabaseUrl(config, modules);
  const deadline = Date.now() + timeoutMs;
  const hint = `without DATABASE_URL this service uses the embedded PostgreSQL of the API started from the same DATA_DIR: start the API first (npm start), or set DATABASE_URL`;
  const dataDir = embeddedPostgresOptions(config).dataDir;
  const embedded = await attachToEmbeddedPostgres(dataDir, timeoutMs).catch((error: unknown) => {
    throw error instanceof EmbeddedPostgresNotRunning ? new StartRefused(`DATA_DIR=${config.dataDir}: ${error.message}; ${hint}.`) : error;
  });
  const connections = moduleConnections({
    url: embedded.adminUrl, modules, roleSecret: embeddedRoleSecret(config), poolSize: config.poolSize, handlerPoolSize: config.handlerPoolSize,
  });
  // The app may be provisioning right now: wait for its migrations rather than refuse.
  for (;;) {
    try {
      await verifyProvisioned(modules, connections, 'DATA_DIR', EMBEDDED_HINT);
      return { connections, embedded: true, stop: async () => undefined };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * `npm run db:migrate`: creates or updates the modules' roles and schemas and runs their
 * migrations, with DATABASE_ADMIN_URL, or on the embedded PostgreSQL of DATA_DIR (attaching to a
 * running app's server). Returns the modules provisioned.
 */
export async function migrateDatabase(config: OrderlyConfig, modules: readonly ModuleDatabaseDefinition[]): Promise<string[]> {
  if (config.databaseAdminUrl) {
    const connections = await provisionModuleDatabases({ adminUrl: config.databaseAdminUrl, modules, roleSecret: config.databaseRoleSecret! }).catch((error: unknown) => {
      throw explainConnectionFailure(error, 'DATABASE_ADMIN_URL', config.databaseAdminUrl!);
    });
    return [...connections.keys()];
  }
  if (config.databaseUrl) {
    throw new ConfigError([
      '`npm run db:migrate` needs DATABASE_ADMIN_URL: a URL whose user may create roles and schemas in the database (a CREATEROLE role that owns it, or a superuser)',
    ]);
  }
  const database = await prepareDatabase(config, { modules, whenOwned: 'attach' });
  await database.stop();
  return [...database.connections.keys()];
}

/**
 * Each module's connection for an operators' command (`npm run events`): the module roles of
 * DATABASE_URL, or of the embedded PostgreSQL of DATA_DIR (attaching to a running app's server,
 * or starting it for the command's duration).
 */
export async function connectForOperations(config: OrderlyConfig, modules: readonly ModuleDatabaseDefinition[]): Promise<PreparedDatabase> {
  if (config.databaseUrl) return connectToDatabaseUrl(config, modules);
  const embedded = await startEmbedded(embeddedPostgresOptions(config, { modules, whenOwned: 'attach' }), config);
  const connections = moduleConnections({ url: embedded.adminUrl, modules, roleSecret: embeddedRoleSecret(config), poolSize: 1 });
  try {
    await verifyProvisioned(modules, connections, 'DATA_DIR', EMBEDDED_HINT);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { connections, embedded: true, stop: () => embedded.stop() };
}

/** The embedded PostgreSQL of DATA_DIR: the one cluster `npm start`, db:migrate and events share. */
export function embeddedPostgresOptions(config: OrderlyConfig, options: Partial<PrepareOptions> = {}): EmbeddedPostgresOptions {
  return {
    dataDir: join(resolve(config.dataDir), 'postgres'),
    port: config.embeddedPostgresPort,
    whenOwned: options.whenOwned ?? 'refuse',
    stopOnSignals: options.stopOnSignals,
  };
}

/**
 * DATABASE_ROLE_SECRET, or for the embedded default a random secret made on first start and kept
 * in DATA_DIR/role-secret (readable by its owner only), so no fixed secret exists anywhere.
 */
export function embeddedRoleSecret(config: OrderlyConfig): string {
  if (config.databaseRoleSecret) return config.databaseRoleSecret;
  const dataDir = resolve(config.dataDir);
  const file = join(dataDir, 'role-secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

function refuseAdminCredential(config: OrderlyConfig): void {
  if (config.databaseAdminUrl) {
    throw new ConfigError([
      "DATABASE_ADMIN_URL is for `npm run db:migrate` only: the running services connect as the module roles and must not hold an admin credential; remove it from this process's environment",
    ]);
  }
}

/** The embedded server of DATA_DIR; what keeps it from starting is said in terms of the variables. */
function startEmbedded(options: EmbeddedPostgresOptions, config: OrderlyConfig): Promise<RunningPostgres> {
  return startEmbeddedPostgres(options).catch((error: unknown) => {
    if (error instanceof EmbeddedPostgresInUse) throw new StartRefused(error.message);
    if (error instanceof EmbeddedPostgresDidNotStart && error.portInUse) {
      throw new ConfigError([`EMBEDDED_POSTGRES_PORT=${config.embeddedPostgresPort}: another program listens on that port; set a free one (default 54329)`]);
    }
    if (error instanceof EmbeddedPostgresDidNotStart || ['EACCES', 'EROFS', 'ENOTDIR', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) {
      throw new ConfigError([`DATA_DIR=${config.dataDir}: the embedded PostgreSQL cannot start there (${(error as Error).message})`]);
    }
    throw error;
  });
}

async function connectToDatabaseUrl(config: OrderlyConfig, modules: readonly ModuleDatabaseDefinition[]): Promise<PreparedDatabase> {
  const connections = moduleConnections({
    url: config.databaseUrl!, modules, roleSecret: config.databaseRoleSecret!, poolSize: config.poolSize, handlerPoolSize: config.handlerPoolSize,
  });
  await verifyProvisioned(modules, connections, 'DATABASE_URL', MIGRATE_HINT);
  return { connections, embedded: false, stop: async () => undefined };
}

/** Every module role logs in and every module's migrations are applied; else a message saying what to run. */
async function verifyProvisioned(
  modules: readonly ModuleDatabaseDefinition[],
  connections: ReadonlyMap<string, ModuleConnection>,
  variable: string,
  hint: string,
): Promise<void> {
  const behind: string[] = [];
  for (const module of modules) {
    const connection = connections.get(module.module)!;
    const pending = await pendingMigrations(module, connection).catch((error: unknown) => {
      throw explainConnectionFailure(error, variable, connection.url, hint);
    });
    if (pending.length > 0) behind.push(`${module.module} (${pending.join(', ')})`);
  }
  if (behind.length > 0) throw new StartRefused(`The database lacks migrations of ${behind.join('; ')}: ${hint}.`);
}

/** A failure to reach or log in to PostgreSQL, said in terms of the variable that points there. */
function explainConnectionFailure(error: unknown, variable: string, url: string, hint = MIGRATE_HINT): unknown {
  const { hostname, port, pathname, username } = new URL(url);
  const where = `${hostname}:${port || 5432}${pathname}`;
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
  if (isDatabaseUnavailable(error)) return new ConfigError([`${variable}: cannot reach PostgreSQL at ${where} (${reason})`]);
  const state = sqlState(error);
  if (state === '3D000') return new ConfigError([`${variable}: ${reason} at ${hostname}:${port || 5432}`]);
  if (state === '28P01' || state === '28000') {
    const role = decodeURIComponent(username);
    return variable !== 'DATABASE_ADMIN_URL'
      ? new StartRefused(`PostgreSQL at ${where} refused the module role ${role} (${reason}): ${hint}.`)
      : new ConfigError([`${variable}: PostgreSQL at ${where} refused the login (${reason})`]);
  }
  return error;
}
