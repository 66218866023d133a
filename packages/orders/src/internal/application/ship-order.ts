import type { OrderDto } from '../../contracts/dto.js';
import { changeOrderStatus } from './order-status-change.js';
import type { OrdersClock, OrdersUnitOfWork } from './ports.js';

/**
 * Marks a confirmed order shipped and publishes OrderShipped (notifications tells the customer).
 * Shipping a shipped order answers the same order and does nothing more; shipping a cancelled one
 * breaks OnlyConfirmedOrdersCanBeShipped.
 */
export class ShipOrder {
  constructor(
    private readonly uow: OrdersUnitOfWork,
    private readonly clock: OrdersClock,
  ) {}

  /** Staff only (orders:fulfil): any order. */
  execute(orderId: string): Promise<OrderDto> {
    return changeOrderStatus(this.uow, orderId, { kind: 'everyone' }, (order) => order.ship(this.clock.now()));
  }
}
