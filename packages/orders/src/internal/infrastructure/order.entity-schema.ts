import { bigintAsNumber } from '@orderly/kernel';
import { EntitySchema } from 'typeorm';
import type { OrderStatus } from '../domain/order-status.js';

/** Rows of orders' tables. The domain model never sees them; repositories translate. */
export interface OrderRow {
  id: string;
  customerId: string | null;
  customerEmail: string;
  status: OrderStatus;
  statusChangedAt: Date;
  total: number;
  createdAt: Date;
  lines?: OrderLineRow[];
}

export interface OrderLineRow {
  orderId: string;
  position: number;
  productId: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export const OrderEntity = new EntitySchema<OrderRow>({
  name: 'Order',
  tableName: 'orders',
  schema: 'orders',
  columns: {
    id: { type: 'uuid', primary: true },
    customerId: { name: 'customer_id', type: 'text', nullable: true },
    customerEmail: { name: 'customer_email', type: 'text' },
    status: { type: 'text' },
    statusChangedAt: { name: 'status_changed_at', type: 'timestamptz' },
    total: { type: 'bigint', transformer: bigintAsNumber },
    createdAt: { name: 'created_at', type: 'timestamptz' },
  },
  relations: {
    lines: { type: 'one-to-many', target: 'OrderLine', inverseSide: 'order' },
  },
});

export const OrderLineEntity = new EntitySchema<OrderLineRow & { order?: OrderRow }>({
  name: 'OrderLine',
  tableName: 'order_lines',
  schema: 'orders',
  columns: {
    orderId: { name: 'order_id', type: 'uuid', primary: true },
    position: { type: 'integer', primary: true },
    productId: { name: 'product_id', type: 'uuid' },
    quantity: { type: 'integer' },
    unitPrice: { name: 'unit_price', type: 'bigint', transformer: bigintAsNumber },
    lineTotal: { name: 'line_total', type: 'bigint', transformer: bigintAsNumber },
  },
  relations: {
    order: { type: 'many-to-one', target: 'Order', joinColumn: { name: 'order_id' }, inverseSide: 'lines' },
  },
});
