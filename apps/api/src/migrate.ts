import { loadConfig, StartRefused } from '@orderly/host';
import { migrateDatabase } from './database/prepare-database.js';

/**
 * `npm run db:migrate`: provisions every module's role and schema and runs its migrations, with
 * DATABASE_ADMIN_URL (and DATABASE_ROLE_SECRET), or on the embedded PostgreSQL of DATA_DIR, where
 * it attaches to the server of a running app (and leaves it running).
 */
async function migrate(): Promise<void> {
  const modules = await migrateDatabase(loadConfig());
  console.log(`Provisioned modules: ${modules.join(', ')}`);
}

migrate().catch((error: unknown) => {
  console.error(error instanceof StartRefused ? error.message : error);
  process.exit(1);
});
