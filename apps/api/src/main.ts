import { loadConfig, runUntilSignalled, StartRefused } from '@orderly/host';
import { DOCS_PATH, OPENAPI_PATH } from './http/openapi/api-docs.js';
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
    // Where everything is, in two lines (Nest's module and route lines are at debug level), and a third with a broker.
    (orderly) => [
      `API listening on ${orderly.url} (database: ${orderly.database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}; /metrics and detailed readiness on ${orderly.managementUrl})`,
      `API docs: ${orderly.url}${DOCS_PATH} - OpenAPI document: ${orderly.url}${OPENAPI_PATH}`,
      ...(config.eventsBrokerUrl ? [`Events: in-process and to NATS JetStream at ${config.eventsBrokerUrl}; notifications runs as its own service (npm run start:notifications)`] : []),
    ],
  );
}

main().catch((error: unknown) => {
  if (error instanceof StartRefused) console.error(error.message);
  else console.error('Orderly failed to start:', error);
  process.exit(1);
});
