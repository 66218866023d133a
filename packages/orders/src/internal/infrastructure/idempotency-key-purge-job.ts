import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicJob } from '@orderly/kernel';
import type { OrdersUnitOfWork } from '../application/ports.js';

/** Deletes idempotency keys older than their TTL, every `intervalMs`, while the application is up. */
export class IdempotencyKeyPurgeJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('IdempotencyKeyPurge');
  private readonly job: PeriodicJob;

  constructor(uow: OrdersUnitOfWork, intervalMs: number) {
    this.job = new PeriodicJob('idempotency key purge', intervalMs, async () => {
      const purged = await uow.transaction(({ idempotencyKeys }) => idempotencyKeys.purgeExpired());
      if (purged > 0) this.logger.log(`purged ${purged} expired idempotency key(s)`);
    }, (message) => this.logger.warn(message));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }
}
