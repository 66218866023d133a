import { join, resolve } from 'node:path';
import { provisionModuleDatabases, startEmbeddedPostgres, type EmbeddedPostgresOptions, type ModuleConnection } from '@orderly/kernel';
import type { OrderlyConfig } from '../config.js';
import { moduleDatabases } from './module-databases.js';

export interface PreparedDatabase {
  readonly adminUrl: string;
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  readonly embedded: boolean;
  /** Stops the embedded PostgreSQL, if this process started one. */
  stop(): Promise<void>;
}

export interface PrepareOptions {
  /** false: the caller stops the embedded server itself on SIGTERM (see startEmbeddedPostgres). */
  readonly stopOnSignals?: boolean;
  /**
   * When another process runs the embedded PostgreSQL of DATA_DIR: 'refuse' (the app, its one
   * owner) or 'attach' as a client and leave it running (`npm run db:migrate`).
   */
  readonly whenOwned?: 'refuse' | 'attach';
}

/**
 * Gets a database ready for the app: DATABASE_URL when given, otherwise an embedded PostgreSQL
 * whose data lives under DATA_DIR across restarts. Then provisions every module (role, schema,
 * migrations as that role). The same code serves `npm start` and `npm run db:migrate`.
 */
export async function prepareDatabase(config: OrderlyConfig, options: PrepareOptions = {}): Promise<PreparedDatabase> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(embeddedPostgresOptions(config, options));
  const adminUrl = config.databaseUrl ?? embedded!.adminUrl;
  try {
    const connections = await provisionModuleDatabases({
      adminUrl,
      modules: moduleDatabases,
      roleSecret: config.databaseRoleSecret ?? undefined,
      poolSize: config.poolSize,
    });
    return { adminUrl, connections, embedded: embedded !== null, stop: async () => embedded?.stop() };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
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
