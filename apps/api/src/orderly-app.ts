import 'reflect-metadata';
import { Logger, type INestApplication, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppModule } from './app.module.js';
import type { LogLevel, OrderlyConfig } from './config.js';
import { prepareDatabase, type PreparedDatabase } from './database/prepare-database.js';
import { serveApiDocs } from './http/openapi/api-docs.js';
import { sendProblem } from './http/problem-details.filter.js';

export interface RunningOrderly {
  readonly app: INestApplication;
  readonly database: PreparedDatabase;
  /** Base URL the API listens on, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Stops accepting requests, finishes what is in flight, closes pools, stops embedded PostgreSQL. */
  stop(): Promise<void>;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  silent: [],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Prepares the database, builds the Nest app and starts listening: `npm start` and every e2e test. */
export async function startOrderly(config: OrderlyConfig): Promise<RunningOrderly> {
  const database = await prepareDatabase(config);
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, connections: database.connections }),
      { bodyParser: false, logger: NEST_LEVELS[config.logLevel] },
    );
    configureHttp(app);
    serveApiDocs(app);
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address() as { port: number };
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    return {
      app,
      database,
      url: `http://${host}:${address.port}`,
      async stop() {
        await app.close();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

function configureHttp(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true }));
  // body-parser errors happen before Nest routes the request; answer them as problem+json too.
  const logger = new Logger('HTTP');
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(res, error, logger);
  });
}
