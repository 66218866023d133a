import { ConfigError, loadConfig } from '@orderly/host';
import { prepareDatabase } from './database/prepare-database.js';

/** `npm run db:migrate`: provisions roles and schemas and runs every module's migrations. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const database = await prepareDatabase(config);
  console.log(`Provisioned modules: ${[...database.connections.keys()].join(', ')}`);
  await database.stop();
}

migrate().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
