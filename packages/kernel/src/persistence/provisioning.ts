import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createModuleDataSource } from './create-data-source.js';
import { sideBySide } from './side-by-side.js';
import { MIGRATIONS_TABLE, type ModuleConnection, type ModuleDatabaseDefinition } from './module-database-definition.js';
import { quoteIdentifier } from '../messaging/messaging-tables.js';

/** Shortest DATABASE_ROLE_SECRET accepted: the module roles' passwords are only as strong as it. */
export const MIN_ROLE_SECRET_LENGTH = 32;

export interface ProvisioningOptions {
  /**
   * A URL whose user may create roles and schemas in its database: a superuser, or a role with
   * CREATEROLE that owns the database (PostgreSQL 15 and later, managed services).
   */
  readonly adminUrl: string;
  readonly modules: readonly ModuleDatabaseDefinition[];
  /** Secret the module roles' passwords are derived from (at least MIN_ROLE_SECRET_LENGTH characters). */
  readonly roleSecret: string;
  readonly poolSize?: number;
  /** Connections of each module's relay and event-handler pool. */
  readonly handlerPoolSize?: number;
}

export interface ModuleConnectionOptions {
  /** Where the database is: host, port, database name (and e.g. sslmode); any user in it is replaced. */
  readonly url: string;
  readonly modules: readonly ModuleDatabaseDefinition[];
  readonly roleSecret: string;
  readonly poolSize?: number;
  /** Connections of each module's relay and event-handler pool. */
  readonly handlerPoolSize?: number;
}

export type ModuleConnections = ReadonlyMap<string, ModuleConnection>;

const PROVISIONING_LOCK = 4_242_001;

/**
 * Makes the database ready for the given modules, idempotently and safely when several
 * instances start at once (an advisory lock serialises them):
 * 1. each module gets a LOGIN role, named for the module and the database (so several databases
 *    on one server keep apart), and a schema it owns; no other role has rights on it, so a
 *    module's code cannot read another module's tables, even with raw SQL;
 * 2. each module's migrations run as the module's own role, into its own migrations table.
 * Role passwords are derived from the role secret and sent only as SCRAM-SHA-256 verifiers.
 * Needs no superuser: a CREATEROLE admin that owns the database is enough, on every run.
 * Returns the connection (role URL) each module should use at run time.
 */
export async function provisionModuleDatabases(options: ProvisioningOptions): Promise<Map<string, ModuleConnection>> {
  assertRoleSecret(options.roleSecret);
  const admin = new pg.Client({ connectionString: options.adminUrl, application_name: 'orderly-provisioning' });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    const [facts] = (
      await admin.query<AdminFacts>(
        `SELECT current_database() AS database, current_setting('server_version_num')::int AS version,
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
      )
    ).rows as [AdminFacts];
    const connections = moduleConnections({ ...options, url: withDatabase(options.adminUrl, facts.database) });
    for (const module of options.modules) {
      const connection = connections.get(module.module)!;
      const role = decodeURIComponent(new URL(connection.url).username);
      await ensureRoleAndSchema(admin, facts, module, role, rolePassword(options.roleSecret, role));
    }
    // Each module migrates its own schema as its own role, so the modules' migrations run side by side.
    await sideBySide(options.modules.map((module) => runMigrations(module, connections.get(module.module)!)));
    return connections;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]).catch(() => undefined);
    await admin.end();
  }
}

/**
 * How each module connects at run time: its own role (scoped to the URL's database) with the
 * password derived from the secret. Pure: needs no connection and no admin credential.
 */
export function moduleConnections(options: ModuleConnectionOptions): Map<string, ModuleConnection> {
  assertRoleSecret(options.roleSecret);
  const database = databaseOf(options.url);
  const connections = new Map<string, ModuleConnection>();
  for (const module of options.modules) {
    const role = moduleRoleName(module, database);
    connections.set(module.module, {
      url: urlForRole(options.url, role, rolePassword(options.roleSecret, role)),
      poolSize: options.poolSize,
      handlerPoolSize: options.handlerPoolSize,
    });
  }
  return connections;
}

/**
 * A module's role in one database: `<role>_<database>`, e.g. orderly_orders_shop. Database names
 * that are not plain lower-case identifiers, or too long for PostgreSQL's 63 bytes, are cut and
 * get a hash of the full name, so two databases never share a role.
 */
export function moduleRoleName(module: Pick<ModuleDatabaseDefinition, 'role'>, database: string): string {
  const room = 63 - module.role.length - 1;
  if (/^[a-z0-9_]+$/.test(database) && database.length <= room) return `${module.role}_${database}`;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  const readable = database.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, Math.max(0, room - 9));
  return `${module.role}_${readable}_${hash}`;
}

/**
 * The module's migrations not yet applied in the database (all of them when its schema or
 * migrations table does not exist), checked as the module's own role.
 */
export async function pendingMigrations(module: ModuleDatabaseDefinition, connection: ModuleConnection): Promise<string[]> {
  const client = new pg.Client({ connectionString: connection.url, application_name: `orderly-${module.module}` });
  await client.connect();
  try {
    const table = `${quoteIdentifier(module.schema)}.${quoteIdentifier(MIGRATIONS_TABLE)}`;
    const [{ exists }] = (await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table])).rows as [{ exists: boolean }];
    const applied = new Set(exists ? (await client.query<{ name: string }>(`SELECT name FROM ${table}`)).rows.map((row) => row.name) : []);
    return module.migrations.map((migration) => migration.name).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

interface AdminFacts {
  database: string;
  version: number;
  superuser: boolean;
}

async function ensureRoleAndSchema(admin: pg.Client, facts: AdminFacts, module: ModuleDatabaseDefinition, roleName: string, password: string) {
  const role = quoteIdentifier(roleName);
  const schema = quoteIdentifier(module.schema);
  const verifier = admin.escapeLiteral(scramSha256Verifier(password));
  const existing = await admin.query<{ privileged: boolean }>(
    'SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls AS privileged FROM pg_roles WHERE rolname = $1',
    [roleName],
  );
  if (existing.rows[0]?.privileged) {
    throw new Error(`role ${roleName} has SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS; a module role must have none of them`);
  }
  // Only the password on re-runs: altering SUPERUSER-type attributes needs a superuser.
  await admin.query(existing.rowCount ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${verifier}` : `CREATE ROLE ${role} LOGIN PASSWORD ${verifier}`);
  if (!facts.superuser) await becomeAbleToActAs(admin, facts, roleName);
  await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(facts.database)} TO ${role}`);
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
  await adoptSchema(admin, facts, module, roleName);
  await admin.query(`SET ROLE ${role}`);
  try {
    await admin.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
  } finally {
    await admin.query('RESET ROLE');
  }
  await admin.query(`ALTER ROLE ${role} IN DATABASE ${quoteIdentifier(facts.database)} SET search_path = ${schema}`);
}

/**
 * A CREATEROLE admin may create a schema for a role, and act as it, only as a member that can
 * SET ROLE to it. PostgreSQL 16 and later give the creator of a role ADMIN OPTION on it (which
 * allows granting the membership, not using it); PostgreSQL 15 lets CREATEROLE grant any
 * non-superuser role. Without INHERIT (16+), the admin does not silently gain the module's rights.
 */
async function becomeAbleToActAs(admin: pg.Client, facts: AdminFacts, roleName: string): Promise<void> {
  const role = quoteIdentifier(roleName);
  const modern = facts.version >= 160_000;
  const [{ able }] = (await admin.query<{ able: boolean }>('SELECT pg_has_role(current_user, $1, $2) AS able', [roleName, modern ? 'SET' : 'MEMBER'])).rows as [
    { able: boolean },
  ];
  if (able) return;
  await admin.query(modern ? `GRANT ${role} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE` : `GRANT ${role} TO CURRENT_USER`);
}

/**
 * A schema owned by another role becomes the module role's, with everything in it, when that role
 * is the module's role from before roles were scoped per database (`orderly_<module>`).
 * Anything else owning the schema is a clash this provisioning will not resolve by itself.
 */
async function adoptSchema(admin: pg.Client, facts: AdminFacts, module: ModuleDatabaseDefinition, roleName: string): Promise<void> {
  const { rows } = await admin.query<{ owner: string }>(
    'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
    [module.schema],
  );
  const owner = rows[0]?.owner;
  if (owner === undefined || owner === roleName) return;
  if (owner !== module.role) {
    throw new Error(`schema ${module.schema} is owned by role ${owner}, not by ${roleName}; give it to ${roleName} or use another database`);
  }
  if (!facts.superuser) await becomeAbleToActAs(admin, facts, owner);
  await admin.query(`REASSIGN OWNED BY ${quoteIdentifier(owner)} TO ${quoteIdentifier(roleName)}`);
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

function assertRoleSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_ROLE_SECRET_LENGTH) {
    throw new Error(`the role secret must have at least ${MIN_ROLE_SECRET_LENGTH} characters`);
  }
}

export function rolePassword(secret: string, role: string): string {
  return createHmac('sha256', secret).update(`orderly-role:${role}`).digest('base64url');
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802/7677, PostgreSQL's
 * format), computed here so that the password itself never travels in SQL nor reaches the
 * server's statement log. The passwords are ASCII (base64url), which SASLprep leaves unchanged.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export function urlForRole(url: string, role: string, password: string): string {
  const withRole = new URL(url);
  withRole.username = encodeURIComponent(role);
  withRole.password = encodeURIComponent(password);
  return withRole.toString();
}

/** The database a postgres:// URL names (its path); PostgreSQL's default, the user's name, is not used. */
export function databaseOf(url: string): string {
  const database = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!database) throw new Error('the database URL names no database (postgres://host:5432/<database>)');
  return database;
}

function withDatabase(url: string, database: string): string {
  const named = new URL(url);
  named.pathname = `/${encodeURIComponent(database)}`;
  return named.toString();
}
