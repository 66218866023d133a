import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderCancelledNotice } from '../../contracts/events.js';
import { RETURN_CANCELLED_ORDER_STOCK } from '../../contracts/handlers.js';
import type { ProductsUnitOfWork } from './ports.js';
import { putBackOnShelf } from './stock-reservations.js';

/**
 * When a placed order is cancelled, the stock sold for it goes back on the shelf, exactly once:
 * the inbox row commits with the stock change, and only reservations still `confirmed` (or still
 * `reserved`, when the cancellation overtook the confirmation) move to `returned`, so neither a
 * redelivery nor a late OrderPlaced can count the same units twice. Subscribed to orders'
 * OrderCancelled in apps/api.
 */
export class ReturnCancelledOrderStock implements EventHandler<OrderCancelledNotice> {
  readonly name = RETURN_CANCELLED_ORDER_STOCK.name;

  constructor(private readonly uow: ProductsUnitOfWork) {}

  readonly handle = async (event: EventEnvelope<OrderCancelledNotice>): Promise<void> => {
    await this.uow.handleOnce(event, this.name, (scope) => putBackOnShelf(scope, event.payload.orderId, ['confirmed', 'reserved'], 'returned'));
  };
}
