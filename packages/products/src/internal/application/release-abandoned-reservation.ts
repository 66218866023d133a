import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderAbandonedNotice } from '../../contracts/events.js';
import { RELEASE_ABANDONED_RESERVATION } from '../../contracts/handlers.js';
import type { ProductsUnitOfWork } from './ports.js';
import { releaseReservations } from './stock-reservations.js';

/**
 * When orders has decided an order will never be placed, the stock still reserved for it goes
 * back on the shelf. Subscribed to orders' OrderAbandoned in apps/api. A confirmed reservation is
 * never touched (only `reserved` rows move), and an abandoned order can never be confirmed.
 */
export class ReleaseAbandonedReservation implements EventHandler<OrderAbandonedNotice> {
  readonly name = RELEASE_ABANDONED_RESERVATION.name;

  constructor(private readonly uow: ProductsUnitOfWork) {}

  readonly handle = async (event: EventEnvelope<OrderAbandonedNotice>): Promise<void> => {
    await this.uow.handleOnce(event, this.name, (scope) => releaseReservations(scope, event.payload.orderId));
  };
}
