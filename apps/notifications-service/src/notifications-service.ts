import { attachDatabase, startHttpService, type OrderlyConfig, type PreparedDatabase, type RunningHttpService } from '@orderly/host';
import { notificationsDatabase } from '@orderly/notifications';
import type { DestinationStream } from 'pino';
import { NotificationsServiceModule } from './notifications-service.module.js';

export interface StartOptions {
  readonly logDestination?: DestinationStream;
}

/** Its defaults differ from the API's so that both run side by side on one machine. */
export const SERVICE_DEFAULTS = { port: 3001, managementPort: 9465 } as const;

/** The notifications service once started: its HTTP app, database and management listener. */
export type RunningNotificationsService = RunningHttpService<PreparedDatabase>;

/**
 * Starts the notifications service: its database (as the notifications role only), then the HTTP
 * app (same identity, errors, health, management listener and logs as the API) and the broker
 * consumers. Without DATABASE_URL it is a client of the embedded PostgreSQL the API runs from the
 * same DATA_DIR: it waits for the API to have started and provisioned it, and never starts or
 * stops that server.
 */
export async function startNotificationsService(config: OrderlyConfig, options: StartOptions = {}): Promise<RunningNotificationsService> {
  const eventsBrokerUrl = config.eventsBrokerUrl;
  if (!eventsBrokerUrl) {
    throw new Error('EVENTS_BROKER_URL is not set: the notifications service receives its events from NATS JetStream (e.g. nats://127.0.0.1:4222; `npm run broker` starts one)');
  }
  return startHttpService({
    config,
    service: 'orderly-notifications',
    logDestination: options.logDestination,
    open: () => attachDatabase(config, [notificationsDatabase]),
    root: (database, observability) =>
      NotificationsServiceModule.forRoot({ config: { ...config, eventsBrokerUrl }, connection: database.connections.get(notificationsDatabase.module)!, observability }),
  });
}
