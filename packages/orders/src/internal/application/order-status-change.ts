import type { OrderAudience, OrderDto } from '../../contracts/dto.js';
import type { Order } from '../domain/order.js';
import { OrderNotFound } from './errors.js';
import { publishOrderEvents, toOrderDto } from './order-presenter.js';
import type { OrdersUnitOfWork } from './ports.js';

/**
 * One status change of one order, in orders' transaction: lock the order, let the aggregate decide
 * (it refuses with a named rule, or changes nothing when the order already has that status), then
 * save the status and publish the change's event together. The lock makes concurrent changes of
 * one order queue: of a cancel racing a ship, the second sees the first's status and is refused;
 * of 100 cancels, the first cancels and the other 99 find it cancelled and change nothing.
 * Outside the audience (another customer's order) the order is not found, as if it did not exist.
 */
export async function changeOrderStatus(
  uow: OrdersUnitOfWork,
  orderId: string,
  audience: OrderAudience,
  change: (order: Order) => boolean,
): Promise<OrderDto> {
  return uow.transaction(async ({ orders, outbox }) => {
    const order = await orders.getForUpdate(orderId, audience);
    if (!order) throw new OrderNotFound(orderId);
    if (change(order)) {
      await orders.saveStatus(order);
      publishOrderEvents(outbox, order.pullDomainEvents());
    }
    return toOrderDto(order);
  });
}
