import type { OrderDto } from '../../contracts/dto.js';
import type { OrderPlaced } from '../../contracts/events.js';
import type { Order } from '../domain/order.js';

export function toOrderDto(order: Order): OrderDto {
  return {
    id: order.id,
    status: order.status,
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
