import { Injectable } from '@nestjs/common';
import { ModuleDatabases } from '@orderly/kernel';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

const PING_TIMEOUT_MS = 2_000;

/**
 * What "ready" means for Orderly, for every module the kernel knows of: its database answers a
 * query through its own pool, and its event relay is running. Each is one named check
 * (`orders.database`, `orders.relay`, ...) so a 503 says exactly what is wrong.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly databases: ModuleDatabases,
    private readonly indicators: HealthIndicatorService,
  ) {}

  checks(): (() => Promise<HealthIndicatorResult>)[] {
    return this.databases.list().flatMap((db) => [
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
        return db.relay.isRunning ? check.up() : check.down({ message: 'the event relay is not running' });
      },
    ]);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
