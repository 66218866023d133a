import type { EntitySchema, MigrationInterface } from 'typeorm';

/**
 * What a module tells the world about its storage: the PostgreSQL schema it owns, the role its
 * code connects as (rights on that schema only), its TypeORM mappings and its migrations.
 * Provisioning creates the role and schema; the module's migrations then run as that role.
 */
export interface ModuleDatabaseDefinition {
  readonly module: string;
  readonly schema: string;
  readonly role: string;
  // Each mapping is of its own entity type; a module's list mixes them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly entities: readonly EntitySchema<any>[];
  readonly migrations: readonly (new () => MigrationInterface)[];
}

/** How one module reaches its database at run time. */
export interface ModuleConnection {
  /** postgres:// URL with the module's own role as the user. */
  readonly url: string;
  readonly poolSize?: number;
  /** Connections of the separate pool the relay and event handlers use (default 2). */
  readonly handlerPoolSize?: number;
  /**
   * How long PostgreSQL lets one of this module's sessions sit idle inside a transaction before it
   * ends the session (default IDLE_IN_TRANSACTION_TIMEOUT_MS; 0 turns the limit off).
   */
  readonly idleInTransactionTimeoutMs?: number;
}

export const MIGRATIONS_TABLE = 'migrations';
