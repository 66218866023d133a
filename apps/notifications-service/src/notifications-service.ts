import { startHttpService, type OrderlyConfig, type RunningHttpService } from '@orderly/host';
import { embeddedAdminUrl, provisionModuleDatabases, type ModuleConnection } from '@orderly/kernel';
import { notificationsDatabase } from '@orderly/notifications';
import type { DestinationStream } from 'pino';
import pg from 'pg';
import { NotificationsServiceModule } from './notifications-service.module.js';

export interface StartOptions {
  readonly logDestination?: DestinationStream;
}

/** Starts the notifications service: its database, then the HTTP app and the broker consumers. */
export async function startNotificationsService(config: OrderlyConfig, options: StartOptions = {}): Promise<RunningHttpService> {
  const eventsBrokerUrl = config.eventsBrokerUrl;
  if (!eventsBrokerUrl) {
    throw new Error('EVENTS_BROKER_URL is not set: the notifications service receives its events from NATS JetStream (e.g. nats://127.0.0.1:4222; `npm run broker` starts one)');
  }
  const connection = await notificationsConnection(config);
  return startHttpService({
    config,
    service: 'orderly-notifications',
    logDestination: options.logDestination,
    root: (observability) => NotificationsServiceModule.forRoot({ config: { ...config, eventsBrokerUrl }, connection, observability }),
  });
}

/**
 * The notifications module's own role and schema, provisioned (idempotently) in DATABASE_URL's
 * server - which may be a different one from the API's. Without DATABASE_URL, in the embedded
 * PostgreSQL the API runs from the same DATA_DIR, as a client: this process never starts or
 * stops that cluster, it waits for it (the API may still be starting).
 */
async function notificationsConnection(config: OrderlyConfig): Promise<ModuleConnection> {
  const adminUrl = config.databaseUrl ?? embeddedAdminUrl(config.embeddedPostgresPort);
  if (!config.databaseUrl) await waitForServer(adminUrl, 60_000);
  const connections = await provisionModuleDatabases({
    adminUrl,
    modules: [notificationsDatabase],
    roleSecret: config.databaseRoleSecret ?? undefined,
    poolSize: config.poolSize,
  });
  return connections.get(notificationsDatabase.module)!;
}

async function waitForServer(adminUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(
          `no PostgreSQL at ${new URL(adminUrl).host}: without DATABASE_URL the notifications service uses the embedded PostgreSQL of the API started from the same DATA_DIR - start the API first (npm start), or set DATABASE_URL (${(error as Error).message})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
