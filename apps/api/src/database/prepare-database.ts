import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  EmbeddedPostgresDidNotStart,
  EmbeddedPostgresInUse,
  isDatabaseUnavailable,
  moduleConnections,
  pendingMigrations,
  provisionModuleDatabases,
  sqlState,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type ModuleConnection,
  type RunningPostgres,
} from '@orderly/kernel';
import { ConfigError, StartRefused, type OrderlyConfig } from '../config.js';
import { moduleDatabases } from './module-databases.js';

export interface PreparedDatabase {
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  readonly embedded: boolean;
  /** Stops the embedded PostgreSQL, if this process started it. */
  stop(): Promise<void>;
}

export interface PrepareOptions {
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
 * The database connections of the API (`npm start`), one role per module:
 * - DATABASE_URL (production): the API only connects, as the module roles; it holds no admin
 *   credential and provisions nothing. It refuses to start, naming `npm run db:migrate`, when a
 *   role cannot log in or a module's migrations are missing.
 * - unset (the embedded default): starts the embedded PostgreSQL of DATA_DIR (refusing when
 *   another process owns it) and provisions it itself, so one command starts everything.
 */
export async function prepareDatabase(config: OrderlyConfig, options: PrepareOptions = {}): Promise<PreparedDatabase> {
  if (config.databaseAdminUrl) {
    throw new ConfigError([
      'DATABASE_ADMIN_URL is for `npm run db:migrate` only: the API connects as the module roles and must not hold an admin credential; remove it from the API\'s environment',
    ]);
  }
  if (config.databaseUrl) {
    return connectToDatabaseUrl(config);
  }
  const embedded = await startEmbedded(embeddedPostgresOptions(config, { whenOwned: 'refuse', ...options }), config);
  try {
    const connections = await provisionModuleDatabases({
      adminUrl: embedded.adminUrl,
      modules: moduleDatabases,
      roleSecret: embeddedRoleSecret(config),
      poolSize: config.poolSize,
      handlerPoolSize: config.handlerPoolSize,
    });
    return { connections, embedded: true, stop: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/**
 * `npm run db:migrate`: creates or updates every module's role and schema and runs its migrations,
 * with DATABASE_ADMIN_URL, or on the embedded PostgreSQL of DATA_DIR (attaching to a running app's
 * server). Returns the modules provisioned.
 */
export async function migrateDatabase(config: OrderlyConfig): Promise<string[]> {
  if (config.databaseAdminUrl) {
    const connections = await provisionModuleDatabases({ adminUrl: config.databaseAdminUrl, modules: moduleDatabases, roleSecret: config.databaseRoleSecret! }).catch(
      (error: unknown) => {
        throw explainConnectionFailure(error, 'DATABASE_ADMIN_URL', config.databaseAdminUrl!);
      },
    );
    return [...connections.keys()];
  }
  if (config.databaseUrl) {
    throw new ConfigError([
      '`npm run db:migrate` needs DATABASE_ADMIN_URL: a URL whose user may create roles and schemas in the database (a CREATEROLE role that owns it, or a superuser)',
    ]);
  }
  const database = await prepareDatabase(config, { whenOwned: 'attach' });
  await database.stop();
  return [...database.connections.keys()];
}

/**
 * Each module's connection for an operators' command (`npm run events`): the module roles of
 * DATABASE_URL, or of the embedded PostgreSQL of DATA_DIR (attaching to a running app's server,
 * or starting it for the command's duration).
 */
export async function connectForOperations(config: OrderlyConfig): Promise<PreparedDatabase> {
  if (config.databaseUrl) return connectToDatabaseUrl(config);
  const embedded = await startEmbedded(embeddedPostgresOptions(config, { whenOwned: 'attach' }), config);
  const connections = moduleConnections({ url: embedded.adminUrl, modules: moduleDatabases, roleSecret: embeddedRoleSecret(config), poolSize: 1 });
  try {
    await verifyProvisioned(connections, 'DATA_DIR', EMBEDDED_HINT);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { connections, embedded: true, stop: () => embedded.stop() };
}

/** The embedded PostgreSQL of DATA_DIR: the one cluster `npm start`, db:migrate and events share. */
export function embeddedPostgresOptions(config: OrderlyConfig, options: PrepareOptions = {}): EmbeddedPostgresOptions {
  return {
    dataDir: join(resolve(config.dataDir), 'postgres'),
    port: config.embeddedPostgresPort,
    whenOwned: options.whenOwned ?? 'refuse',
    stopOnSignals: options.stopOnSignals,
  };
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

async function connectToDatabaseUrl(config: OrderlyConfig): Promise<PreparedDatabase> {
  const connections = moduleConnections({
    url: config.databaseUrl!, modules: moduleDatabases, roleSecret: config.databaseRoleSecret!, poolSize: config.poolSize, handlerPoolSize: config.handlerPoolSize,
  });
  await verifyProvisioned(connections, 'DATABASE_URL', MIGRATE_HINT);
  return { connections, embedded: false, stop: async () => undefined };
}

/** Every module role logs in and every module's migrations are applied; else a message saying what to run. */
async function verifyProvisioned(connections: ReadonlyMap<string, ModuleConnection>, variable: string, hint: string): Promise<void> {
  const behind: string[] = [];
  for (const module of moduleDatabases) {
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
