import type { OrderDto } from '../../contracts/dto.js';
import { Order } from '../domain/order.js';
import { OrderLine } from '../domain/order-line.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderLineRow, OrderRow } from './order.entity-schema.js';

export function toOrderRows(order: Order): { order: OrderRow; lines: OrderLineRow[] } {
  return {
    order: {
      id: order.id,
      customerId: order.customerId,
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

/**
 * An order with its lines in one statement - the text TypeORM's query builder produced for it,
 * sent as it is, so a read pays for no query building or entity hydration (issue 17; the bench's
 * baseline sends the same text).
 */
export const SELECT_ORDER_WITH_LINES = `SELECT "order"."id" AS "order_id", "order"."customer_id" AS "order_customer_id", "order"."customer_email" AS "order_customer_email", "order"."status" AS "order_status", "order"."status_changed_at" AS "order_status_changed_at", "order"."total" AS "order_total", "order"."created_at" AS "order_created_at", "line"."order_id" AS "line_order_id", "line"."position" AS "line_position", "line"."product_id" AS "line_product_id", "line"."quantity" AS "line_quantity", "line"."unit_price" AS "line_unit_price", "line"."line_total" AS "line_line_total" FROM "orders"."orders" "order" LEFT JOIN "orders"."order_lines" "line" ON "line"."order_id"="order"."id" WHERE "order"."id" = $1`;

/** The same, scoped to one customer in SQL: another customer's order is simply not found. */
export const SELECT_CUSTOMERS_ORDER_WITH_LINES = `${SELECT_ORDER_WITH_LINES} AND "order"."customer_id" = $2`;

/** One row of SELECT_ORDER_WITH_LINES as pg returns it (bigint as text). */
export interface OrderJoinRow {
  readonly order_id: string;
  readonly order_customer_id: string | null;
  readonly order_customer_email: string;
  readonly order_status: OrderStatus;
  readonly order_status_changed_at: Date;
  readonly order_created_at: Date;
  readonly line_order_id: string | null;
  readonly line_position: number;
  readonly line_product_id: string;
  readonly line_quantity: number;
  readonly line_unit_price: string;
}

function linesOf(rows: readonly OrderJoinRow[]): { productId: string; quantity: number; unitPrice: number }[] {
  return rows
    .filter((r) => r.line_order_id !== null)
    .sort((a, b) => a.line_position - b.line_position)
    .map((r) => ({ productId: r.line_product_id, quantity: r.line_quantity, unitPrice: Number(r.line_unit_price) }));
}

/** The aggregate, for use cases that change the order. */
export function orderFromJoinRows(rows: readonly OrderJoinRow[]): Order {
  const first = rows[0]!;
  return Order.restore({
    id: first.order_id,
    customerId: first.order_customer_id,
    customerEmail: first.order_customer_email,
    status: first.order_status,
    statusChangedAt: first.order_status_changed_at,
    lines: linesOf(rows).map((l) => new OrderLine(l.productId, l.quantity, l.unitPrice)),
    createdAt: first.order_created_at,
  });
}

/**
 * What GET /orders/:id answers, straight from the rows: the same figures as toOrderDto of the
 * restored aggregate (line total = quantity x unit price, total = their sum), without building
 * it - the rules held when the order was written, a read need not check them again.
 */
export function orderDtoFromJoinRows(rows: readonly OrderJoinRow[]): OrderDto {
  const first = rows[0]!;
  const items = linesOf(rows).map((l) => ({ ...l, lineTotal: l.quantity * l.unitPrice }));
  return {
    id: first.order_id,
    status: first.order_status,
    statusChangedAt: first.order_status_changed_at.toISOString(),
    customerEmail: first.order_customer_email,
    items,
    total: items.reduce((sum, l) => sum + l.lineTotal, 0),
    createdAt: first.order_created_at.toISOString(),
  };
}
