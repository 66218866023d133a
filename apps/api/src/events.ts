import { sqlState } from '@orderly/kernel';
import pg from 'pg';
import { loadConfig, StartRefused } from '@orderly/host';
import { moduleDatabases } from './database/module-databases.js';
import { connectForOperations } from './database/prepare-database.js';
import { moduleOutboxes, runEventsCommand } from './operations/events-command.js';

/**
 * `npm run events -- <list|stats|replay|discard> ...`: operators' view of every module's outbox,
 * each read as its own module role. Connects to DATABASE_URL (with DATABASE_ROLE_SECRET), or to
 * the embedded PostgreSQL of DATA_DIR: as a client of the running app's server (found by its data
 * directory, whatever its port), or starting it for the command's duration when no app runs.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const database = await connectForOperations(config);
  const clients = moduleDatabases.map((m) => new pg.Client({ connectionString: database.connections.get(m.module)!.url, application_name: 'orderly-events' }));
  try {
    await Promise.all(clients.map((client) => client.connect()));
    const outboxes = moduleOutboxes(moduleDatabases, (m) => {
      const client = clients[moduleDatabases.indexOf(m)]!;
      return { query: async (text: string, values?: unknown[]) => (await client.query(text, values)).rows };
    });
    return await runEventsCommand(process.argv.slice(2), outboxes, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const unprovisioned = ['42P01', '3F000'].includes(sqlState(error) ?? '');
    if (unprovisioned) console.error('This database has no module outboxes yet: start the app or run `npm run db:migrate` first.');
    else console.error(error instanceof StartRefused ? error.message : error);
    process.exit(1);
  },
);
