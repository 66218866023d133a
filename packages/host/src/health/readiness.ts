import { Inject, Injectable } from '@nestjs/common';
import { ModuleDatabases } from '@orderly/kernel';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

const PING_TIMEOUT_MS = 2_000;

/** Whether the app is shutting down (set by RunningOrderly.stop()). */
export interface Lifecycle {
  shuttingDown: boolean;
}
export const LIFECYCLE = Symbol('orderly.Lifecycle');

/**
 * What "ready" means for Orderly: not shutting down, and for every module the kernel knows of: its database answers a
 * query through its own pool, and its event relay is running and not failing to fan out events. Each is one named check
 * (`orders.database`, `orders.relay`, ...) so a 503 says exactly what is wrong.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly databases: ModuleDatabases,
    private readonly indicators: HealthIndicatorService,
    @Inject(LIFECYCLE) private readonly lifecycle: Lifecycle,
  ) {}

  checks(): (() => Promise<HealthIndicatorResult>)[] {
    const accepting = async () => {
      const check = this.indicators.check('http');
      return this.lifecycle.shuttingDown ? check.down({ message: 'shutting down' }) : check.up();
    };
    return [accepting, ...this.databases.list().flatMap((db) => [
      async () => {
        const check = this.indicators.check(`${db.module}.database`);
        try {
          await withTimeout(db.ping(), PING_TIMEOUT_MS);
          return check.up();
        } catch (error) {
          return check.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
      async () => {
        const check = this.indicators.check(`${db.module}.relay`);
        if (!db.relay.isRunning) return check.down({ message: 'the event relay is not running' });
        const failure = db.relay.failure;
        return failure === null ? check.up() : check.down({ message: `the event relay cannot fan out events: ${failure}` });
      },
    ])];
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
