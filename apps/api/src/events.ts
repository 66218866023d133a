import { OutboxAdmin, sqlState, startEmbeddedPostgres } from '@orderly/kernel';
import pg from 'pg';
import { ConfigError, loadConfig } from './config.js';
import { moduleDatabases } from './database/module-databases.js';
import { embeddedPostgresOptions } from './database/prepare-database.js';
import { runEventsCommand } from './operations/events-command.js';

/**
 * `npm run events -- <list|stats|replay|discard> ...`: operators' view of every module's outbox.
 * Connects with DATABASE_URL, or to the embedded PostgreSQL of DATA_DIR: as a client of the
 * running app's server (found by its data directory, whatever its port), or starting it for the
 * command's duration when no app runs.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(embeddedPostgresOptions(config, { whenOwned: 'attach' }));
  const client = new pg.Client(config.databaseUrl ?? embedded!.adminUrl);
  try {
    await client.connect();
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
