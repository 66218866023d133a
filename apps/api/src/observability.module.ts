import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModuleDatabases } from '@orderly/kernel';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { HealthController } from './health/health.controller.js';
import { LIFECYCLE, Readiness, type Lifecycle } from './health/readiness.js';
import { ReadinessReport } from './health/readiness-report.js';
import { OrderlyMetrics } from './metrics/orderly-metrics.js';

export interface ObservabilityOptions {
  readonly logger: Logger;
  readonly metrics: OrderlyMetrics;
  /** Set by stop(): readiness turns 503 while the app drains. */
  readonly lifecycle: Lifecycle;
}

class WatchModuleDatabases implements OnModuleInit {
  constructor(
    private readonly metrics: OrderlyMetrics,
    private readonly databases: ModuleDatabases,
  ) {}

  onModuleInit(): void {
    this.metrics.watchModuleDatabases(() => this.databases.list());
  }
}

/**
 * What operators see: the Nest logger routed into pino (request-scoped lines carry the request
 * id), /health/live and /health/ready (terminus); the readiness report and the metrics registry
 * that the management listener serves.
 */
@Module({})
export class ObservabilityModule {
  static forRoot({ logger, metrics, lifecycle }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        // The request logging middleware is installed first thing in orderly-app.ts (it must see
        // requests that never reach Nest, such as a malformed body); nestjs-pino reuses its
        // per-request logger, so Nest Logger calls in a request carry that request's id.
        LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true }),
        // Terminus would log a failing readiness as an error with a stack; HealthController warns instead.
        TerminusModule.forRoot({ logger: false }),
      ],
      // /metrics is served by the management listener (management/management-server.ts), not here.
      controllers: [HealthController],
      providers: [
        Readiness,
        ReadinessReport,
        { provide: LIFECYCLE, useValue: lifecycle },
        { provide: OrderlyMetrics, useValue: metrics },
        {
          provide: WatchModuleDatabases,
          useFactory: (m: OrderlyMetrics, d: ModuleDatabases) => new WatchModuleDatabases(m, d),
          inject: [OrderlyMetrics, ModuleDatabases],
        },
      ],
    };
  }
}
