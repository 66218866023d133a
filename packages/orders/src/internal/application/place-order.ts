import { randomUUID } from 'node:crypto';
import type { OrderDto, PlaceOrderDto } from '../../contracts/dto.js';
import { OrderPlacedV1 } from '../../contracts/events.js';
import type { InventoryPort } from '../../contracts/ports.js';
import { Order } from '../domain/order.js';
import { InsufficientStock, UnknownProducts } from './errors.js';
import { toOrderDto, toOrderPlaced } from './order-presenter.js';
import type { OrdersClock, OrdersUnitOfWork } from './ports.js';

/**
 * Places an order: reserve stock through the InventoryPort (products' own transaction), then
 * write the order and its OrderPlaced event in orders' transaction. If anything fails after the
 * reservation, the reservation is released at once; if the process dies in between, the
 * reservation expires (products' sweeper) unless OrderPlaced confirms it.
 */
export class PlaceOrder {
  constructor(
    private readonly uow: OrdersUnitOfWork,
    private readonly inventory: InventoryPort,
    private readonly clock: OrdersClock,
    private readonly newId: () => string = randomUUID,
  ) {}

  async execute(command: PlaceOrderDto, orderId: string = this.newId()): Promise<OrderDto> {
    // Checked before reserving, so a malformed order never touches stock.
    Order.checkRequest(command.customerEmail, command.items);

    const reservation = await this.inventory.reserve(orderId, command.items);
    if (reservation.status === 'unknown-products') throw new UnknownProducts(reservation.productIds);
    if (reservation.status === 'insufficient-stock') throw new InsufficientStock(reservation.lines);

    try {
      const order = Order.place({ id: orderId, customerEmail: command.customerEmail, lines: reservation.lines, now: this.clock.now() });
      await this.uow.transaction(async ({ orders, outbox }) => {
        await orders.add(order);
        for (const event of order.pullDomainEvents()) {
          outbox.add(OrderPlacedV1, { aggregateId: event.order.id, payload: toOrderPlaced(event.order) });
        }
      });
      return toOrderDto(order);
    } catch (error) {
      await this.inventory.release(orderId);
      throw error;
    }
  }
}
