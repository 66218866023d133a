// The one PostgreSQL both servers use: an embedded cluster started and provisioned by the
// kernel's own code with the modules' own database definitions, so schemas, roles, grants and
// migrations are exactly what `npm start` gets.
// The list of modules is apps/api's own (its "./database" export), so the two never differ.
import { moduleDatabases } from '@orderly/api/database';
import { randomBytes } from 'node:crypto';
import { provisionModuleDatabases, startEmbeddedPostgres } from '@orderly/kernel';
import pg from 'pg';

/**
 * Starts PostgreSQL in dataDir and provisions every module. `onLogLine` receives the server's
 * log one line at a time (the SQL trace reads it).
 */
export async function startBenchDatabase({ dataDir, port, poolSize, onLogLine }) {
  let pending = '';
  const onLog = (chunk) => {
    pending += String(chunk).replace(/^\[STDERR\] /, '');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLogLine?.(line);
  };
  const postgres = await startEmbeddedPostgres({ dataDir, port, onLog });
  try {
    const roleSecret = randomBytes(32).toString('base64url');
    const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret, modules: moduleDatabases, poolSize });
    // What Orderly's own process gets in production: where the database is, and the role secret.
    const apiUrl = new URL(postgres.adminUrl);
    apiUrl.username = '';
    apiUrl.password = '';
    const admin = new pg.Pool({ connectionString: postgres.adminUrl, max: 2, application_name: 'bench-admin' });
    admin.on('error', () => undefined); // an idle admin connection closed by PostgreSQL's shutdown
    return {
      adminUrl: postgres.adminUrl,
      apiEnv: { DATABASE_URL: apiUrl.toString(), DATABASE_ROLE_SECRET: roleSecret },
      connections,
      admin,
      async stop() {
        await admin.end().catch(() => undefined);
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
