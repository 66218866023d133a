import { DataSource } from 'typeorm';
import type { ModuleConnection, ModuleDatabaseDefinition } from './module-database-definition.js';
import { MIGRATIONS_TABLE } from './module-database-definition.js';

/**
 * A process frozen in the middle of a transaction (a paused VM or container, SIGSTOP, an event
 * loop stalled for good) keeps its row locks until PostgreSQL ends its session: a relay that takes
 * over its lapsed lease waits on those locks, and so does every order of a product it had locked.
 * PostgreSQL ends such a session after this long, which rolls the transaction back and frees
 * them; a healthy process is never idle inside a transaction for more than the slowest thing a
 * handler waits for with its transaction open (the SMTP transport's 10 s timeout).
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

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
      options: [
        `-c search_path=${definition.schema}`,
        '-c default_transaction_isolation=read\\ committed',
        `-c idle_in_transaction_session_timeout=${connection.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS}`,
        ...(purpose === 'relay' ? ['-c synchronous_commit=off'] : []),
      ].join(' '),
      connectionTimeoutMillis: 10_000,
    },
  });
}
