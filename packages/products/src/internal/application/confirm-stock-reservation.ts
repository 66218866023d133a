import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderCommittedNotice } from '../../contracts/events.js';
import { CONFIRM_STOCK_RESERVATION } from '../../contracts/handlers.js';
import type { ProductsUnitOfWork } from './ports.js';

/**
 * When an order commits, the stock reserved for it is sold: the reservation is confirmed and the
 * sweeper will no longer release it. Subscribed to orders' OrderPlaced in apps/api.
 */
export class ConfirmStockReservation implements EventHandler<OrderCommittedNotice> {
  readonly name = CONFIRM_STOCK_RESERVATION.name;

  constructor(private readonly uow: ProductsUnitOfWork) {}

  readonly handle = async (event: EventEnvelope<OrderCommittedNotice>): Promise<void> => {
    await this.uow.handleOnce(event, this.name, async ({ reservations }) => {
      await reservations.transition(event.payload.orderId, 'reserved', 'confirmed');
    });
  };
}
