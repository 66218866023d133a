import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import type { OrderlyConfig } from './config.js';
import { prepareDatabase, type PreparedDatabase } from './database/prepare-database.js';
import { answerClientErrors } from './http/client-errors.js';
import { ConnectionDrain } from './http/connection-drain.js';
import { configureHttpPipeline } from './http/http-pipeline.js';
import { serveApiDocs } from './http/openapi/api-docs.js';
import { discoverRoutes } from './http/openapi/route-discovery.js';
import { checkAccessDeclared, prepareIdentity, serveDevelopmentJwks } from './identity/identity-setup.js';
import { createLogger } from './logging/create-logger.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { startManagementServer } from './management/management-server.js';
import { OrderlyMetrics } from './metrics/orderly-metrics.js';

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
  const logger = createLogger(config, options.logDestination);
  const identity = await prepareIdentity(config, logger);
  // The process stops its embedded PostgreSQL itself, last, in stop() (see main.ts for signals).
  const database = await prepareDatabase(config, { stopOnSignals: false });
  try {
    const metrics = new OrderlyMetrics();
    const lifecycle = { shuttingDown: false };
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, connections: database.connections, observability: { metrics, lifecycle }, authenticator: identity.authenticator }),
      { bodyParser: false, bufferLogs: true },
    );
    app.useLogger(new NestPinoLogger(logger));
    configureHttpPipeline(app, config, logger, metrics);
    checkAccessDeclared(discoverRoutes(app));
    if (identity.developmentIssuer) serveDevelopmentJwks(app, identity.developmentIssuer);
    serveApiDocs(app);
    const server = app.getHttpServer() as Server;
    const connections = new ConnectionDrain(server, config.shutdownDrainDelayMs);
    answerClientErrors(server);
    await app.listen(config.port, config.host);
    const management = await startManagementServer(app, metrics, { host: config.managementHost, port: config.managementPort }).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
    const address = server.address() as { port: number };
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    return {
      app,
      database,
      url: `http://${host}:${address.port}`,
      managementUrl: management.url,
      async stop() {
        lifecycle.shuttingDown = true; // /health/ready answers 503 from now on
        await connections.drain(); // stop accepting, answer every request in flight
        await management.close();
        await app.close(); // relays finish their batch, then every module's pool closes
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
