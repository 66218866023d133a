import type { OrderAudience, OrderDto } from '../../contracts/dto.js';
import { changeOrderStatus } from './order-status-change.js';
import type { OrdersClock, OrdersUnitOfWork } from './ports.js';

/**
 * Cancels a confirmed order and publishes OrderCancelled (products takes its stock back,
 * notifications tells the customer). Cancelling a cancelled order answers the same order and
 * does nothing more; cancelling a shipped one breaks OnlyConfirmedOrdersCanBeCancelled. A customer
 * cancels only their own orders: another's is not found (404), exactly like an unknown id.
 */
export class CancelOrder {
  constructor(
    private readonly uow: OrdersUnitOfWork,
    private readonly clock: OrdersClock,
  ) {}

  execute(orderId: string, audience: OrderAudience): Promise<OrderDto> {
    return changeOrderStatus(this.uow, orderId, audience, (order) => order.cancel(this.clock.now()));
  }
}
