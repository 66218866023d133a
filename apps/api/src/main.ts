import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config.js';
import { startOrderly } from './orderly-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const orderly = await startOrderly(config);
  new Logger('Orderly').log(
    `API listening on ${orderly.url} (database: ${orderly.database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'})`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('Orderly').log(`${signal} received, shutting down`);
    await orderly.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Orderly failed to start:', error);
  process.exit(1);
});
