import { Logger } from '@nestjs/common';
import { loadConfig, StartRefused } from './config.js';
import { DOCS_PATH, OPENAPI_PATH } from './http/openapi/api-docs.js';
import { startOrderly, type RunningOrderly } from './orderly-app.js';

/**
 * `npm start`. On SIGTERM or SIGINT: stop accepting, answer the requests in flight, let each
 * relay finish its batch, close the pools, stop the embedded PostgreSQL, exit 0 - or exit 1 if
 * that takes longer than SHUTDOWN_TIMEOUT_MS. A signal during start-up stops the app as soon as
 * it is up.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  let orderly: RunningOrderly | null = null;
  let stopRequested: string | null = null;
  const stop = async (signal: string) => {
    const logger = new Logger('Orderly');
    logger.log(`${signal} received, shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${config.shutdownTimeoutMs} ms, exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    await orderly!.stop();
    logger.log('shutdown complete');
    process.exit(0);
  };
  const onSignal = (signal: string) => {
    if (stopRequested) return;
    stopRequested = signal;
    if (orderly) void stop(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  orderly = await startOrderly(config);
  // Where everything is, in two lines (Nest's module and route lines are at debug level).
  const logger = new Logger('Orderly');
  logger.log(
    `API listening on ${orderly.url} (database: ${orderly.database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}; /metrics and detailed readiness on ${orderly.managementUrl})`,
  );
  logger.log(`API docs: ${orderly.url}${DOCS_PATH} - OpenAPI document: ${orderly.url}${OPENAPI_PATH}`);
  if (stopRequested) await stop(stopRequested);
}

main().catch((error: unknown) => {
  if (error instanceof StartRefused) console.error(error.message);
  else console.error('Orderly failed to start:', error);
  process.exit(1);
});
