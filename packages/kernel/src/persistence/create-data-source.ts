import { DataSource } from 'typeorm';
import type { ModuleConnection, ModuleDatabaseDefinition } from './module-database-definition.js';
import { MIGRATIONS_TABLE } from './module-database-definition.js';

/**
 * A TypeORM DataSource for one module: its role, its schema first on the search path. `purpose`
 * 'handlers' gives the separate, smaller pool the event handlers run on; 'relay' one of the same
 * size for the relay's own statements (fan-out, claim, completion, settlement), whose commits do
 * not wait for the WAL flush (synchronous_commit off, ADR 0003: losing them in a crash only
 * repeats a delivery the inbox absorbs).
 */
export function createModuleDataSource(
  definition: ModuleDatabaseDefinition,
  connection: ModuleConnection,
  purpose: 'requests' | 'handlers' | 'relay' = 'requests',
): DataSource {
  const asynchronousCommit = purpose === 'relay' ? ' -c synchronous_commit=off' : '';
  return new DataSource({
    type: 'postgres',
    url: connection.url,
    schema: definition.schema,
    entities: [...definition.entities],
    migrations: [...definition.migrations],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: purpose === 'requests' ? `orderly-${definition.module}` : `orderly-${definition.module}-${purpose === 'relay' ? 'delivery' : 'events'}`,
    extra: {
      max: purpose === 'requests' ? (connection.poolSize ?? 10) : (connection.handlerPoolSize ?? 2),
      // default_transaction_isolation pinned here, so a server-wide default cannot change what
      // UnitOfWork's READ COMMITTED transactions get, and they need no SET TRANSACTION.
      options: `-c search_path=${definition.schema} -c default_transaction_isolation=read\\ committed${asynchronousCommit}`,
      connectionTimeoutMillis: 10_000,
    },
  });
}
