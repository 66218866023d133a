import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { ReservationExpiryNotice } from '../../contracts/events.js';
import { abandonInScope } from './place-order.js';
import type { OrdersClock, OrdersUnitOfWork } from './ports.js';
import { ABANDON_EXPIRED_ORDER } from '../../contracts/handlers.js';

/**
 * Products reports that stock reserved for an order has waited past its TTL. If the order was
 * placed, nothing happens (its OrderPlaced confirms the reservation); otherwise the order id is
 * abandoned for good - a late commit of it now fails - and OrderAbandoned lets products release
 * the stock. Subscribed to products' StockReservationExpired in apps/api.
 */
export class AbandonExpiredOrder implements EventHandler<ReservationExpiryNotice> {
  readonly name = ABANDON_EXPIRED_ORDER.name;

  constructor(
    private readonly uow: OrdersUnitOfWork,
    private readonly clock: OrdersClock,
  ) {}

  readonly handle = async (event: EventEnvelope<ReservationExpiryNotice>): Promise<void> => {
    await this.uow.handleOnce(event, this.name, async (scope) => {
      await abandonInScope(scope, this.clock, event.payload.orderId);
    });
  };
}
