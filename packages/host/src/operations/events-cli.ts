import { sqlState, type ModuleDatabaseDefinition } from '@orderly/kernel';
import pg from 'pg';
import { loadConfig, StartRefused, type ConfigDefaults } from '../config.js';
import { connectForOperations } from '../database/module-databases.js';
import { moduleOutboxes, runEventsCommand } from './events-command.js';

/**
 * The operators' events command of one process (`npm run events` for apps/api's modules,
 * `npm run events:notifications` for the notifications service's): every outbox of `modules`, each
 * read as its own module role, in the database that process is configured with - DATABASE_URL
 * (with DATABASE_ROLE_SECRET), or the embedded PostgreSQL of DATA_DIR (as a client of the running
 * app's server, or starting it for the command's duration when no app runs). Exits with the
 * command's code.
 */
export function runEventsProgram(modules: readonly ModuleDatabaseDefinition[], defaults?: ConfigDefaults): void {
  eventsProgram(modules, defaults).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const unprovisioned = ['42P01', '3F000'].includes(sqlState(error) ?? '');
      if (unprovisioned) console.error('This database has no module outboxes yet: start the app or run `npm run db:migrate` first.');
      else console.error(error instanceof StartRefused ? error.message : error);
      process.exit(1);
    },
  );
}

async function eventsProgram(modules: readonly ModuleDatabaseDefinition[], defaults?: ConfigDefaults): Promise<number> {
  const config = loadConfig(process.env, defaults);
  const database = await connectForOperations(config, modules);
  const clients = new Map(modules.map((m) => [m, new pg.Client({ connectionString: database.connections.get(m.module)!.url, application_name: 'orderly-events' })]));
  try {
    await Promise.all([...clients.values()].map((client) => client.connect()));
    const outboxes = moduleOutboxes(modules, (m) => {
      const client = clients.get(m)!;
      return { query: async (text: string, values?: unknown[]) => (await client.query(text, values)).rows };
    });
    return await runEventsCommand(process.argv.slice(2), outboxes, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await Promise.all([...clients.values()].map((client) => client.end().catch(() => undefined)));
    await database.stop();
  }
}
