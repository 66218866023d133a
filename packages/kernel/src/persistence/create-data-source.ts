import { DataSource } from 'typeorm';
import type { ModuleConnection, ModuleDatabaseDefinition } from './module-database-definition.js';
import { MIGRATIONS_TABLE } from './module-database-definition.js';

/**
 * A TypeORM DataSource for one module: its role, its schema first on the search path. `purpose`
 * 'handlers' gives the separate, smaller pool the relay and event handlers run on.
 */
export function createModuleDataSource(
  definition: ModuleDatabaseDefinition,
  connection: ModuleConnection,
  purpose: 'requests' | 'handlers' = 'requests',
): DataSource {
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
    applicationName: purpose === 'requests' ? `orderly-${definition.module}` : `orderly-${definition.module}-events`,
    extra: {
      max: purpose === 'requests' ? (connection.poolSize ?? 10) : (connection.handlerPoolSize ?? 2),
      // default_transaction_isolation pinned here, so a server-wide default cannot change what
      // UnitOfWork's READ COMMITTED transactions get, and they need no SET TRANSACTION.
      options: `-c search_path=${definition.schema} -c default_transaction_isolation=read\\ committed`,
      connectionTimeoutMillis: 10_000,
    },
  });
}
