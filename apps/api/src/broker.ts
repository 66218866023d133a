import { join, resolve } from 'node:path';
import { findNatsServer, NATS_SERVER_INSTALL_HINT, startLocalNatsServer } from '@orderly/kernel';
import { ConfigError, loadConfig } from '@orderly/host';

/**
 * `npm run broker`: a local NATS JetStream server for running the API and the notifications
 * service apart on one machine. Its store is DATA_DIR/nats, so events the API published survive
 * a restart of the broker. Listens on the port of EVENTS_BROKER_URL (default 4222). Runs in the
 * foreground until SIGINT/SIGTERM.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const binary = findNatsServer();
  if (!binary) {
    console.error(NATS_SERVER_INSTALL_HINT);
    return 1;
  }
  const port = brokerPort(process.env.EVENTS_BROKER_URL);
  const storeDir = join(resolve(config.dataDir), 'nats');
  const server = await startLocalNatsServer({ binary, storeDir, port, onLog: (line) => console.log(line) });
  console.log(`JetStream broker listening on ${server.url} (store: ${storeDir}). Start the API and the notifications service with EVENTS_BROKER_URL=${server.url}`);
  const stop = () => void server.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await server.exited;
  return 0;
}

function brokerPort(url: string | undefined): number {
  if (!url) return 4222;
  try {
    return Number(new URL(url.split(',')[0]!.trim()).port || 4222);
  } catch {
    throw new ConfigError([`EVENTS_BROKER_URL="${url}" must be a nats:// URL such as nats://127.0.0.1:4222 (unset: port 4222)`]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
