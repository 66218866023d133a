import 'reflect-metadata';
import { Logger, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import type { OrderlyConfig } from './config.js';
import { ConnectionDrain } from './http/connection-drain.js';
import { configureHttpPipeline } from './http/http-pipeline.js';
import { createLogger } from './logging/create-logger.js';
import { OrderlyMetrics } from './metrics/orderly-metrics.js';
import type { ObservabilityOptions } from './observability.module.js';

export interface HttpServiceDefinition {
  readonly config: OrderlyConfig;
  /** The `service` field of every log line (orderly, orderly-notifications). */
  readonly service: string;
  /** Where log lines go instead of stdout (tests capture them here). */
  readonly logDestination?: DestinationStream;
  /** The process's composition root, given the logger, metrics and lifecycle it must use. */
  root(observability: ObservabilityOptions): DynamicModule;
  /** After the app is created, before it listens (e.g. serving API documents). */
  beforeListen?(app: NestExpressApplication): void;
}

export interface RunningHttpService {
  readonly app: INestApplication;
  /** Base URL it listens on, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Readiness turns 503, connections drain, Nest closes (relays and consumers finish, pools close). */
  stop(): Promise<void>;
}

/**
 * Builds and starts one Orderly process: the same logs, HTTP pipeline (request ids, problem+json,
 * limits, CORS), health, metrics and graceful shutdown for apps/api and for every module that
 * runs as its own service.
 */
export async function startHttpService(definition: HttpServiceDefinition): Promise<RunningHttpService> {
  const { config } = definition;
  const logger = createLogger({ ...config, service: definition.service }, definition.logDestination);
  const metrics = new OrderlyMetrics();
  const lifecycle = { shuttingDown: false };
  const app = await NestFactory.create<NestExpressApplication>(definition.root({ logger, metrics, lifecycle }), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(NestPinoLogger));
  configureHttpPipeline(app, config, logger, metrics);
  definition.beforeListen?.(app);
  const server = app.getHttpServer() as Server;
  const connections = new ConnectionDrain(server, config.shutdownDrainDelayMs);
  await app.listen(config.port, config.host);
  const address = server.address() as { port: number };
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    app,
    url: `http://${host}:${address.port}`,
    async stop() {
      lifecycle.shuttingDown = true; // /health/ready answers 503 from now on
      await connections.drain(); // stop accepting, answer every request in flight
      await app.close(); // relays and consumers finish what they hold, then every module's pool closes
    },
  };
}

/**
 * A process's `main`: starts it, and on SIGTERM or SIGINT stops it gracefully, exiting 0 - or 1
 * if that takes longer than SHUTDOWN_TIMEOUT_MS. A signal during start-up stops it as soon as it
 * is up. A bad configuration prints what is wrong and exits 1.
 */
export async function runUntilSignalled<T extends { stop(): Promise<void> }>(
  config: OrderlyConfig,
  start: () => Promise<T>,
  announce: (running: T) => string,
): Promise<void> {
  let running: T | null = null;
  let stopRequested: string | null = null;
  const logger = new Logger('Orderly');
  const stop = async (signal: string) => {
    logger.log(`${signal} received, shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${config.shutdownTimeoutMs} ms, exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    await running!.stop();
    logger.log('shutdown complete');
    process.exit(0);
  };
  const onSignal = (signal: string) => {
    if (stopRequested) return;
    stopRequested = signal;
    if (running) void stop(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  running = await start();
  logger.log(announce(running));
  if (stopRequested) await stop(stopRequested);
}
