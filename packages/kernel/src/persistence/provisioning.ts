import { createHmac } from 'node:crypto';
import pg from 'pg';
import { createModuleDataSource } from './create-data-source.js';
import type { ModuleConnection, ModuleDatabaseDefinition } from './module-database-definition.js';
import { quoteIdentifier } from '../messaging/messaging-tables.js';

export interface ProvisioningOptions {
  /** A URL whose user may create roles and schemas (the cluster owner, or a CREATEROLE admin). */
  readonly adminUrl: string;
  readonly modules: readonly ModuleDatabaseDefinition[];
  /** Secret the module roles' passwords are derived from; defaults to the admin password. */
  readonly roleSecret?: string;
  readonly poolSize?: number;
  /** Connections of each module's relay and event-handler pool. */
  readonly handlerPoolSize?: number;
}

export type ModuleConnections = ReadonlyMap<string, ModuleConnection>;

const PROVISIONING_LOCK = 4_242_001;

/**
 * Makes the database ready for the given modules, idempotently and safely when several
 * instances start at once (an advisory lock serialises them):
 * 1. each module gets a LOGIN role and a schema it owns; no other role has rights on it, so a
 *    module's code cannot read another module's tables, even with raw SQL;
 * 2. each module's migrations run as the module's own role, into its own migrations table.
 * Returns the connection (role URL) each module should use at run time.
 */
export async function provisionModuleDatabases(options: ProvisioningOptions): Promise<Map<string, ModuleConnection>> {
  const admin = new pg.Client({ connectionString: options.adminUrl, application_name: 'orderly-provisioning' });
  await admin.connect();
  const connections = new Map<string, ModuleConnection>();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    const secret = options.roleSecret ?? (new URL(options.adminUrl).password || 'orderly');
    const [{ db }] = (await admin.query<{ db: string }>('SELECT current_database() AS db')).rows as [{ db: string }];
    for (const module of options.modules) {
      const password = rolePassword(secret, module.role);
      await ensureRoleAndSchema(admin, db, module, password);
      const connection: ModuleConnection = { url: urlForRole(options.adminUrl, module.role, password), poolSize: options.poolSize, handlerPoolSize: options.handlerPoolSize };
      await runMigrations(module, connection);
      connections.set(module.module, connection);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]).catch(() => undefined);
    await admin.end();
  }
  return connections;
}

async function ensureRoleAndSchema(admin: pg.Client, db: string, module: ModuleDatabaseDefinition, password: string) {
  const role = quoteIdentifier(module.role);
  const schema = quoteIdentifier(module.schema);
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [module.role]);
  const verb = exists.rowCount ? 'ALTER' : 'CREATE';
  await admin.query(`${verb} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${admin.escapeLiteral(password)}`);
  await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(db)} TO ${role}`);
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
  await admin.query(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
  await admin.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
  await admin.query(`ALTER ROLE ${role} IN DATABASE ${quoteIdentifier(db)} SET search_path = ${schema}`);
}

async function runMigrations(module: ModuleDatabaseDefinition, connection: ModuleConnection): Promise<void> {
  const dataSource = createModuleDataSource(module, { ...connection, poolSize: 1 });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

export function rolePassword(secret: string, role: string): string {
  return createHmac('sha256', secret).update(`orderly-role:${role}`).digest('base64url');
}

export function urlForRole(adminUrl: string, role: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}
