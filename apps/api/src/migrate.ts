import { ConfigError, loadConfig } from './config.js';
import { prepareDatabase } from './database/prepare-database.js';

/**
 * `npm run db:migrate`: provisions roles and schemas and runs every module's migrations. On the
 * embedded default it attaches to the cluster of a running app (and leaves it running).
 */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const database = await prepareDatabase(config, { whenOwned: 'attach' });
  console.log(`Provisioned modules: ${[...database.connections.keys()].join(', ')}`);
  await database.stop();
}

migrate().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
