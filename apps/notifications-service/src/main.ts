import { loadConfig, runUntilSignalled, StartRefused } from '@orderly/host';
import { SERVICE_DEFAULTS, startNotificationsService } from './notifications-service.js';

/** `npm run start:notifications`: the notifications module as its own service (PORT default 3001, MANAGEMENT_PORT 9465). */
async function main(): Promise<void> {
  const config = loadConfig(process.env, SERVICE_DEFAULTS);
  await runUntilSignalled(
    config,
    () => startNotificationsService(config),
    (service) =>
      `notifications service listening on ${service.url} (database: ${config.databaseUrl ? 'DATABASE_URL' : `embedded PostgreSQL of ${config.dataDir}, as a client`}; ` +
      `consuming from ${config.eventsBrokerUrl}; /metrics and detailed readiness on ${service.managementUrl})`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof StartRefused) console.error(error.message);
  else console.error('The notifications service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
