import 'reflect-metadata';
import { Logger, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import type { DestinationStream } from 'pino';
import type { OrderlyConfig } from './config.js';
import { answerClientErrors } from './http/client-errors.js';
import { ConnectionDrain } from './http/connection-drain.js';
import { configureHttpPipeline } from './http/http-pipeline.js';
import { discoverRoutes } from './http/route-discovery.js';
import { checkAccessDeclared, prepareIdentity, serveDevelopmentJwks } from './identity/identity-setup.js';
import { IdentityModule } from './identity/identity.module.js';
import { createLogger } from './logging/create-logger.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { startManagementServer } from './management/management-server.js';
import { OrderlyMetrics } from './metrics/orderly-metrics.js';
import type { ObservabilityOptions } from './observability.module.js';
import { startTracing } from './tracing/tracing.js';

export interface HttpServiceDefinition<R extends Resources> {
  readonly config: OrderlyConfig;
  /** The `service` field of every log line (orderly, orderly-notifications). */
  readonly service: string;
  /** Where log lines go instead of stdout (tests capture them here). */
  readonly logDestination?: DestinationStream;
  /** What the process opens before Nest starts (its databases); stopped last, also when the start fails. */
  open(): Promise<R>;
  /** The process's composition root, given what open() returned and the metrics and lifecycle it must use. */
  root(resources: R, observability: ObservabilityOptions): DynamicModule;
  /** After the app is created, before it listens (e.g. serving API documents). */
  beforeListen?(app: NestExpressApplication): void;
}

export interface Resources {
  stop(): Promise<void>;
}

export interface RunningHttpService<R extends Resources> {
  readonly app: INestApplication;
  /** What open() returned. */
  readonly resources: R;
  /** Base URL it listens on, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Base URL of the management listener (/metrics, detailed /health/ready), e.g. http://127.0.0.1:9464 */
  readonly managementUrl: string;
  /** Readiness turns 503, connections drain, Nest closes (relays and consumers finish, pools close), then the resources stop. */
  stop(): Promise<void>;
}

/**
 * Builds and starts one Orderly process: the same logs, identity (bearer tokens, scopes, write
 * rate limit), HTTP pipeline (request ids, problem+json, limits, CORS), health, management
 * listener (metrics, detailed readiness) and graceful shutdown for apps/api and for every module
 * that runs as its own service.
 */
export async function startHttpService<R extends Resources>(definition: HttpServiceDefinition<R>): Promise<RunningHttpService<R>> {
  const { config } = definition;
  const logger = createLogger({ ...config, service: definition.service }, definition.logDestination);
  // Who issues tokens is settled before anything starts: a missing AUTH_* refuses the start here.
  const identity = await prepareIdentity(config, logger);
  // Before the databases and the broker open: their work runs in the spans of requests and deliveries.
  const tracing = await startTracing(definition.service);
  const resources = await definition.open().catch(async (error: unknown) => {
    await tracing.shutdown();
    throw error;
  });
  try {
    const metrics = new OrderlyMetrics();
    const lifecycle = { shuttingDown: false };
    const root: DynamicModule = {
      module: OrderlyProcessModule,
      imports: [definition.root(resources, { metrics, lifecycle }), IdentityModule.forRoot(config, identity.authenticator)],
    };
    const app = await NestFactory.create<NestExpressApplication>(root, { bodyParser: false, bufferLogs: true });
    app.useLogger(new NestPinoLogger(logger));
    configureHttpPipeline(app, config, logger, metrics);
    checkAccessDeclared(discoverRoutes(app));
    if (identity.developmentIssuer) serveDevelopmentJwks(app, identity.developmentIssuer);
    definition.beforeListen?.(app);
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
      resources,
      url: `http://${host}:${address.port}`,
      managementUrl: management.url,
      async stop() {
        lifecycle.shuttingDown = true; // /health/ready answers 503 from now on
        await connections.drain(); // stop accepting, answer every request in flight
        await management.close();
        await app.close(); // relays and consumers finish what they hold, then every module's pool closes
        await resources.stop();
        await tracing.shutdown(); // exports the spans still buffered
      },
    };
  } catch (error) {
    await resources.stop();
    await tracing.shutdown();
    throw error;
  }
}

/** The root Nest module of every process: its composition root plus the identity every route is checked by. */
@Module({})
class OrderlyProcessModule {}

/**
 * How far V8 lets the heap grow past what survived the last full collection before it collects
 * again (ADR 0016). Left to itself, V8 lets it reach about 4x under a fast allocation rate: under
 * load, ~40 MiB of live objects became ~180 MiB of heap and ~260 MiB resident. At 1.75x resident
 * memory stayed under 200 MiB at 64 connections, with no CPU cost per request that the probe
 * could tell from its noise (bench/src/ab-probe.mjs; docs/performance.md). A
 * `--heap-growing-percent` given to node on the command line wins.
 */
const HEAP_GROWING_PERCENT = 75;

function limitHeapGrowth(): void {
  if (process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * A process's `main`: starts it, and on SIGTERM or SIGINT stops it gracefully, exiting 0 - or 1
 * if that takes longer than SHUTDOWN_TIMEOUT_MS. A signal during start-up stops it as soon as it
 * is up. A bad configuration prints what is wrong and exits 1.
 */
export async function runUntilSignalled<T extends { stop(): Promise<void> }>(
  config: OrderlyConfig,
  start: () => Promise<T>,
  announce: (running: T) => string | readonly string[],
): Promise<void> {
  limitHeapGrowth();
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
  for (const line of [announce(running)].flat()) logger.log(line);
  if (stopRequested) await stop(stopRequested);
}
