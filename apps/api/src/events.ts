import { embeddedAdminUrl, OutboxAdmin, sqlState, startEmbeddedPostgres } from '@orderly/kernel';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ConfigError, loadConfig } from '@orderly/host';
import { moduleDatabases } from './database/module-databases.js';
import { runEventsCommand } from './operations/events-command.js';

/**
 * `npm run events -- <list|stats|replay|discard> ...`: operators' view of every module's outbox.
 * Connects with DATABASE_URL, or to the embedded PostgreSQL of a running app (starting it from
 * DATA_DIR when the app is not running).
 */
async function main(): Promise<number> {
  const config = loadConfig();
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let client = new pg.Client(config.databaseUrl ?? embeddedAdminUrl(config.embeddedPostgresPort));
  try {
    await client.connect();
  } catch (error) {
    if (config.databaseUrl) throw error;
    embedded = await startEmbeddedPostgres({ dataDir: join(resolve(config.dataDir), 'postgres'), port: config.embeddedPostgresPort });
    client = new pg.Client(embedded.adminUrl);
    await client.connect();
  }
  try {
    const sql = { query: async (text: string, values?: unknown[]) => (await client.query(text, values)).rows };
    const outboxes = new Map(moduleDatabases.map((m) => [m.module, new OutboxAdmin(sql, m.schema)] as const));
    return await runEventsCommand(process.argv.slice(2), outboxes, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await client.end();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const unprovisioned = ['42P01', '3F000'].includes(sqlState(error) ?? '');
    if (unprovisioned) console.error('This database has no module outboxes yet: start the app or run `npm run db:migrate` first.');
    else console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
