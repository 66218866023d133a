import { loadConfig, migrateDatabase, StartRefused } from '@orderly/host';
import { notificationsDatabase } from '@orderly/notifications';
import { SERVICE_DEFAULTS } from './notifications-service.js';

/**
 * `npm run db:migrate:notifications`: the notifications module's role, schema and migrations in
 * the notifications service's own database (DATABASE_ADMIN_URL and DATABASE_ROLE_SECRET), when it
 * does not share the API's (whose `npm run db:migrate` provisions every module).
 */
migrateDatabase(loadConfig(process.env, SERVICE_DEFAULTS), [notificationsDatabase]).then(
  (modules) => console.log(`Provisioned modules: ${modules.join(', ')}`),
  (error: unknown) => {
    console.error(error instanceof StartRefused ? error.message : error);
    process.exit(1);
  },
);
