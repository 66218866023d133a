import { Order } from '../domain/order.js';
import { OrderLine } from '../domain/order-line.js';
import type { OrderLineRow, OrderRow } from './order.entity-schema.js';

export function toOrderRows(order: Order): { order: OrderRow; lines: OrderLineRow[] } {
  return {
    order: {
      id: order.id,
      customerEmail: order.customerEmail,
      status: order.status,
      statusChangedAt: order.statusChangedAt,
      total: order.total,
      createdAt: order.createdAt,
    },
    lines: order.lines.map((l, position) => ({
      orderId: order.id,
      position,
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      lineTotal: l.lineTotal,
    })),
  };
}

export function fromOrderRow(row: OrderRow): Order {
  const lines = [...(row.lines ?? [])].sort((a, b) => a.position - b.position);
  return Order.restore({
    id: row.id,
    customerEmail: row.customerEmail,
    status: row.status,
    statusChangedAt: row.statusChangedAt,
    lines: lines.map((l) => new OrderLine(l.productId, l.quantity, l.unitPrice)),
    createdAt: row.createdAt,
  });
}
