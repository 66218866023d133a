import * as host from '@orderly/host';
import type { OrderlyConfig, PreparedDatabase } from '@orderly/host';
import { moduleDatabases, moduleDatabasesRunHere } from './module-databases.js';

export type { PreparedDatabase } from '@orderly/host';

/**
 * The API's database connections (`npm start`), one role per module it runs (@orderly/host's
 * prepareDatabase). As the owner of the embedded PostgreSQL it provisions every module, also one
 * that runs as its own service (notifications with EVENTS_BROKER_URL), which attaches as a client.
 */
export function prepareDatabase(config: OrderlyConfig, options: { stopOnSignals?: boolean } = {}): Promise<PreparedDatabase> {
  return host.prepareDatabase(config, { modules: moduleDatabasesRunHere(config), provision: moduleDatabases, ...options });
}

/** `npm run db:migrate`: every module's role, schema and migrations (@orderly/host's migrateDatabase). */
export function migrateDatabase(config: OrderlyConfig): Promise<string[]> {
  return host.migrateDatabase(config, moduleDatabases);
}

/** Every module's connection for `npm run events` (@orderly/host's connectForOperations). */
export function connectForOperations(config: OrderlyConfig): Promise<PreparedDatabase> {
  return host.connectForOperations(config, moduleDatabases);
}
