import { StockReservationExpiredV1 } from '../../contracts/events.js';
import type { ProductsClock, ProductsUnitOfWork } from './ports.js';

export interface ReservationSweeperOptions {
  /** How long a reservation waits for its order; also how long before an unanswered expiry is announced again. */
  readonly reservationTtlMs: number;
  /** Orders handled per sweep transaction. */
  readonly batchSize?: number;
}

/**
 * Finds reservations whose order did not commit within the TTL and announces each order once
 * (StockReservationExpired). It never moves stock itself: whether the order will still commit
 * is known only to orders, which answers with OrderAbandoned (then ReleaseAbandonedReservation
 * puts the stock back) or has already published OrderPlaced (then the reservation is confirmed).
 * So a slow order that commits after its TTL is never left without its stock.
 */
export class ReservationSweeper {
  constructor(
    private readonly uow: ProductsUnitOfWork,
    private readonly clock: ProductsClock,
    private readonly options: ReservationSweeperOptions,
  ) {}

  /** One sweep; returns how many orders it announced. Safe to run from several instances at once. */
  async sweep(): Promise<number> {
    const batchSize = this.options.batchSize ?? 100;
    let total = 0;
    for (;;) {
      const announced = await this.uow.transaction(async ({ reservations, outbox }) => {
        const now = this.clock.now();
        const orderIds = await reservations.claimExpired(now, new Date(now.getTime() + this.options.reservationTtlMs), batchSize);
        for (const orderId of orderIds) {
          outbox.add(StockReservationExpiredV1, { aggregateId: orderId, payload: { orderId, expiredAt: now.toISOString() } });
        }
        return orderIds.length;
      });
      total += announced;
      if (announced < batchSize) return total;
    }
  }
}
