import { loadConfig, runUntilSignalled, StartRefused } from '@orderly/host';
import { startOrderly } from './orderly-app.js';

/**
 * `npm start`. On SIGTERM or SIGINT: stop accepting, answer the requests in flight, let each
 * relay finish its batch, close the pools, stop the embedded PostgreSQL, exit 0 - or exit 1 if
 * that takes longer than SHUTDOWN_TIMEOUT_MS. A signal during start-up stops the app as soon as
 * it is up.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  await runUntilSignalled(
    config,
    () => startOrderly(config),
    (orderly) =>
      `API listening on ${orderly.url} (database: ${orderly.database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}; ` +
      `events: ${config.eventsBrokerUrl ? `in-process and to NATS JetStream at ${config.eventsBrokerUrl}, notifications runs as its own service` : 'in-process'}; ` +
      `/metrics and detailed readiness on ${orderly.managementUrl})`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof StartRefused) console.error(error.message);
  else console.error('Orderly failed to start:', error);
  process.exit(1);
});
