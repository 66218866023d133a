import { randomUUID } from 'node:crypto';
import type { CustomerIdentity, OrderDto, PlaceOrderCommand } from '../../contracts/dto.js';
import { OrderAbandonedV1 } from '../../contracts/events.js';
import type { InventoryPort, OrdersMetrics } from '../../contracts/ports.js';
import { Order } from '../domain/order.js';
import type { OrderFate } from '../domain/order-fate.js';
import { InsufficientStock, OrderForAnotherCustomer, UnknownProducts, WithdrawnProducts } from './errors.js';
import { publishOrderEvents, toOrderDto } from './order-presenter.js';
import type { OrdersClock, OrdersScope, OrdersUnitOfWork } from './ports.js';

/** Counts nothing: for wiring without metrics (tests, tools). */
export const NO_ORDERS_METRICS: OrdersMetrics = { orderPlaced: () => undefined, stockRefused: () => undefined };

/** Extra work that must commit in the same transaction as the order (e.g. storing an idempotency answer). */
export type AlongWithOrder = (scope: OrdersScope, order: OrderDto) => Promise<void>;

/**
 * Places an order: reserve stock through the InventoryPort (products' own transaction), then
 * write the order, its fate `placed` and its OrderPlaced event in orders' transaction.
 *
 * The order's fate is the arbiter between the two databases: it is written once per order id,
 * either `placed` (here) or `abandoned` (after a failure, or when products reports the
 * reservation expired). Stock is given back only for an abandoned order, so a late commit can
 * never lose its stock and an abandoned order can never commit. If anything fails after
 * reserving, the order is abandoned and its stock released at once; if the process dies in
 * between, products' sweeper reports the expired reservation and orders abandons the order then.
 */
export class PlaceOrder {
  constructor(
    private readonly uow: OrdersUnitOfWork,
    private readonly inventory: InventoryPort,
    private readonly clock: OrdersClock,
    private readonly newId: () => string = randomUUID,
    private readonly metrics: OrdersMetrics = NO_ORDERS_METRICS,
  ) {}

  async execute(command: PlaceOrderCommand, givenOrderId?: string, alongWithOrder?: AlongWithOrder): Promise<OrderDto> {
    // Checked before reserving, so a malformed order or one for someone else never touches stock.
    checkPlacedForSelf(command);
    Order.checkRequest(command.customerEmail, command.items);

    // An id made here cannot have reservations yet; a given one (idempotent retries) may.
    const orderId = givenOrderId ?? this.newId();
    const reservation = await this.inventory.reserve(orderId, command.items, { newOrderId: givenOrderId === undefined });
    if (reservation.status === 'unknown-products') throw new UnknownProducts(reservation.productIds);
    if (reservation.status === 'withdrawn-products') throw new WithdrawnProducts(reservation.productIds);
    if (reservation.status === 'insufficient-stock') {
      this.metrics.stockRefused();
      throw new InsufficientStock(reservation.lines);
    }

    try {
      const order = Order.place({ id: orderId, customerId: command.placedBy.customerId, customerEmail: command.customerEmail, lines: reservation.lines, now: this.clock.now() });
      const dto = toOrderDto(order);
      await this.uow.transaction(async (scope) => {
        await scope.fates.markPlaced(order.id);
        await scope.orders.add(order);
        publishOrderEvents(scope.outbox, order.pullDomainEvents());
        if (alongWithOrder) await alongWithOrder(scope, dto);
      });
      this.metrics.orderPlaced(); // committed: an Idempotency-Key replay never gets here
      return dto;
    } catch (error) {
      await this.abandonAndRelease(orderId).catch(() => undefined); // else the sweeper path recovers it
      throw error;
    }
  }

  /**
   * Gives up on an order id unless it was placed, and then releases its stock at once. Products
   * also releases it on the OrderAbandoned event; releasing twice is harmless.
   */
  async abandonAndRelease(orderId: string): Promise<OrderFate> {
    const fate = await abandonOrder(this.uow, this.clock, orderId);
    if (fate === 'abandoned') await this.inventory.release(orderId);
    return fate;
  }
}

/** A customer places orders for themselves only: the order's e-mail must be their own. */
export function checkPlacedForSelf(command: { customerEmail: string; placedBy: CustomerIdentity }): void {
  const own = command.placedBy.email;
  if (own === null || own.toLowerCase() !== command.customerEmail.toLowerCase()) throw new OrderForAnotherCustomer();
}

/** Decides `abandoned` for an order id unless it was placed; publishes OrderAbandoned when it decides. */
export async function abandonOrder(uow: OrdersUnitOfWork, clock: OrdersClock, orderId: string): Promise<OrderFate> {
  return uow.transaction(async (scope) => abandonInScope(scope, clock, orderId));
}

export async function abandonInScope(scope: OrdersScope, clock: OrdersClock, orderId: string): Promise<OrderFate> {
  const { fate, decidedNow } = await scope.fates.abandon(orderId);
  if (decidedNow) {
    scope.outbox.add(OrderAbandonedV1, { aggregateId: orderId, payload: { orderId, abandonedAt: clock.now().toISOString() } });
  }
  return fate;
}
