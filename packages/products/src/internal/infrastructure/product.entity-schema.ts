import { bigintAsNumber } from '@orderly/kernel';
import { EntitySchema } from 'typeorm';
import type { ProductState } from '../domain/product.js';
import type { StockReservation } from '../domain/stock-reservation.js';

/**
 * TypeORM mappings of products' storage. The domain model knows nothing of them: rows are plain
 * objects shaped like the aggregate's state, and repositories translate between the two.
 */
export const ProductEntity = new EntitySchema<ProductState>({
  name: 'Product',
  tableName: 'products',
  schema: 'products',
  columns: {
    id: { type: 'uuid', primary: true },
    sku: { type: 'text', unique: true },
    name: { type: 'text' },
    unitPrice: { name: 'unit_price', type: 'bigint', transformer: bigintAsNumber },
    stock: { type: 'integer' },
    version: { type: 'integer' },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    withdrawnAt: { name: 'withdrawn_at', type: 'timestamptz', nullable: true },
  },
});

export const StockReservationEntity = new EntitySchema<StockReservation>({
  name: 'StockReservation',
  tableName: 'stock_reservations',
  schema: 'products',
  columns: {
    orderId: { name: 'order_id', type: 'uuid', primary: true },
    productId: { name: 'product_id', type: 'uuid', primary: true },
    quantity: { type: 'integer' },
    unitPrice: { name: 'unit_price', type: 'bigint', transformer: bigintAsNumber },
    status: { type: 'text' },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
  },
});
