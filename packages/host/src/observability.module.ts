import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModuleDatabases } from '@orderly/kernel';
import { HealthController } from './health/health.controller.js';
import { LIFECYCLE, Readiness, type Lifecycle } from './health/readiness.js';
import { ReadinessReport } from './health/readiness-report.js';
import { OrderlyMetrics } from './metrics/orderly-metrics.js';

export interface ObservabilityOptions {
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
 * What operators see: /health/live and /health/ready (terminus); the readiness report and the
 * metrics registry that the management listener serves. The logger (pino, with Nest's logger
 * written through it) is set up in orderly-app.ts.
 */
@Module({})
export class ObservabilityModule {
  static forRoot({ metrics, lifecycle }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
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
