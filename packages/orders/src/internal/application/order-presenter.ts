import type { Outbox } from '@orderly/kernel';
import type { OrderDto } from '../../contracts/dto.js';
import { OrderCancelledV1, OrderPlacedV1, OrderShippedV1, type OrderCancelled, type OrderPlaced, type OrderShipped } from '../../contracts/events.js';
import type { Order, OrderEvent } from '../domain/order.js';

export function toOrderDto(order: Order): OrderDto {
  return {
    id: order.id,
    status: order.status,
    statusChangedAt: order.statusChangedAt.toISOString(),
    customerEmail: order.customerEmail,
    items: order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal })),
    total: order.total,
    createdAt: order.createdAt.toISOString(),
  };
}

export function toOrderPlaced(order: Order): OrderPlaced {
  const dto = toOrderDto(order);
  return { orderId: dto.id, customerId: order.customerId ?? undefined, customerEmail: dto.customerEmail, lines: dto.items, total: dto.total, placedAt: dto.createdAt };
}

export function toOrderCancelled(order: Order): OrderCancelled {
  return {
    orderId: order.id,
    customerId: order.customerId ?? undefined,
    customerEmail: order.customerEmail,
    lines: order.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    total: order.total,
    cancelledAt: order.statusChangedAt.toISOString(),
  };
}

export function toOrderShipped(order: Order): OrderShipped {
  return { orderId: order.id, customerId: order.customerId ?? undefined, customerEmail: order.customerEmail, shippedAt: order.statusChangedAt.toISOString() };
}

/** Turns the aggregate's domain events into integration events in the transaction's outbox. */
export function publishOrderEvents(outbox: Outbox, events: readonly OrderEvent[]): void {
  for (const event of events) {
    const aggregateId = event.order.id;
    switch (event.kind) {
      case 'OrderWasPlaced':
        outbox.add(OrderPlacedV1, { aggregateId, payload: toOrderPlaced(event.order) });
        break;
      case 'OrderWasCancelled':
        outbox.add(OrderCancelledV1, { aggregateId, payload: toOrderCancelled(event.order) });
        break;
      case 'OrderWasShipped':
        outbox.add(OrderShippedV1, { aggregateId, payload: toOrderShipped(event.order) });
        break;
    }
  }
}
