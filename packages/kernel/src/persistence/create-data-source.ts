import { DataSource } from 'typeorm';
import type { ModuleConnection, ModuleDatabaseDefinition } from './module-database-definition.js';
import { MIGRATIONS_TABLE } from './module-database-definition.js';

/** A TypeORM DataSource for one module: its role, its schema first on the search path. */
export function createModuleDataSource(definition: ModuleDatabaseDefinition, connection: ModuleConnection): DataSource {
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
    applicationName: `orderly-${definition.module}`,
    extra: {
      max: connection.poolSize ?? 10,
      // default_transaction_isolation pinned here, so a server-wide default cannot change what
      // UnitOfWork's READ COMMITTED transactions get, and they need no SET TRANSACTION.
      options: `-c search_path=${definition.schema} -c default_transaction_isolation=read\\ committed`,
      connectionTimeoutMillis: 10_000,
    },
  });
}
