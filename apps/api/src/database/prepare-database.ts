import { join, resolve } from 'node:path';
import { provisionModuleDatabases, startEmbeddedPostgres, type ModuleConnection } from '@orderly/kernel';
import type { OrderlyConfig } from '../config.js';
import { moduleDatabases } from './module-databases.js';

export interface PreparedDatabase {
  readonly adminUrl: string;
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  readonly embedded: boolean;
  /** Stops the embedded PostgreSQL, if this process started one. */
  stop(): Promise<void>;
}

/**
 * Gets a database ready for the app: DATABASE_URL when given, otherwise an embedded PostgreSQL
 * whose data lives under DATA_DIR across restarts. Then provisions every module (role, schema,
 * migrations as that role). The same code serves `npm start` and `npm run db:migrate`.
 * `stopOnSignals: false` is for a caller that stops the embedded server itself on SIGTERM.
 */
export async function prepareDatabase(config: OrderlyConfig, options: { stopOnSignals?: boolean } = {}): Promise<PreparedDatabase> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: join(resolve(config.dataDir), 'postgres'),
        port: config.embeddedPostgresPort,
        stopOnSignals: options.stopOnSignals,
      });
  const adminUrl = config.databaseUrl ?? embedded!.adminUrl;
  try {
    const connections = await provisionModuleDatabases({
      adminUrl,
      modules: moduleDatabases,
      roleSecret: config.databaseRoleSecret ?? undefined,
      poolSize: config.poolSize,
      handlerPoolSize: config.handlerPoolSize,
    });
    return { adminUrl, connections, embedded: embedded !== null, stop: async () => embedded?.stop() };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
