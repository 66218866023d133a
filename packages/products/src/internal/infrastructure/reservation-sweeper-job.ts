import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicJob } from '@orderly/kernel';
import type { ReservationSweeper } from '../application/reservation-sweeper.js';

/** Runs the reservation sweeper every `intervalMs` while the application is up. */
export class ReservationSweeperJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReservationSweeper');
  private readonly job: PeriodicJob;

  constructor(sweeper: ReservationSweeper, intervalMs: number) {
    this.job = new PeriodicJob('reservation sweep', intervalMs, async () => {
      const announced = await sweeper.sweep();
      if (announced > 0) this.logger.log(`announced ${announced} expired reservation(s)`);
    }, (message) => this.logger.warn(message));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }
}
