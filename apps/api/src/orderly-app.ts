import type { INestApplication } from '@nestjs/common';
import { startHttpService, type OrderlyConfig } from '@orderly/host';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { prepareDatabase, type PreparedDatabase } from './database/prepare-database.js';
import { serveAsyncApi } from './events/serve-asyncapi.js';
import { serveApiDocs } from './http/openapi/api-docs.js';

export interface RunningOrderly {
  readonly app: INestApplication;
  readonly database: PreparedDatabase;
  /** Base URL the API listens on, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Base URL of the management listener (/metrics, detailed /health/ready), e.g. http://127.0.0.1:9464 */
  readonly managementUrl: string;
  /** Stops accepting requests, finishes what is in flight, closes pools, stops embedded PostgreSQL. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  readonly logDestination?: DestinationStream;
}

/** Prepares the database, builds the Nest app and starts listening: `npm start` and every e2e test. */
export async function startOrderly(config: OrderlyConfig, options: StartOptions = {}): Promise<RunningOrderly> {
  const service = await startHttpService({
    config,
    service: 'orderly',
    logDestination: options.logDestination,
    // The process stops its embedded PostgreSQL itself, last, in stop() (see main.ts for signals).
    open: () => prepareDatabase(config, { stopOnSignals: false }),
    root: (database, observability) => AppModule.forRoot({ config, connections: database.connections, observability }),
    beforeListen: (app) => {
      serveApiDocs(app);
      serveAsyncApi(app);
    },
  });
  return { app: service.app, database: service.resources, url: service.url, managementUrl: service.managementUrl, stop: () => service.stop() };
}
