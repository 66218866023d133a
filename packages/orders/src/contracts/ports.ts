import { portToken } from '@orderly/kernel/domain';

/**
 * Ports orders needs from the rest of the system. Orders owns them (the consumer owns the port);
 * apps/api binds each token to a provider from another module, which orders never imports.
 */

export interface InventoryLine {
  readonly productId: string;
  readonly quantity: number;
}

export type InventoryReservation =
  | { readonly status: 'reserved'; readonly lines: readonly { readonly productId: string; readonly quantity: number; readonly unitPrice: number }[] }
  | { readonly status: 'unknown-products'; readonly productIds: readonly string[] }
  /** The products exist but were withdrawn from the catalog: they can no longer be ordered. */
  | { readonly status: 'withdrawn-products'; readonly productIds: readonly string[] }
  | {
      readonly status: 'insufficient-stock';
      readonly lines: readonly { readonly productId: string; readonly requested: number; readonly available: number }[];
    };

export interface ReserveOptions {
  /**
   * The order id was generated for this request a moment ago, so nothing can have been reserved
   * for it yet: the idempotency lookup (a database round trip) is left out.
   */
  readonly newOrderId?: boolean;
}

/** Reserves stock for an order, all lines or none; idempotent by order id. */
export interface InventoryPort {
  reserve(orderId: string, lines: readonly InventoryLine[], options?: ReserveOptions): Promise<InventoryReservation>;
  /** Gives back what was reserved for an order that will not be placed. Safe to repeat. */
  release(orderId: string): Promise<void>;
}

export const INVENTORY_PORT = portToken<InventoryPort>('orders.InventoryPort');

/**
 * Business facts orders counts as they happen (an order placed, an order refused for lack of
 * stock). apps/api binds it to its Prometheus counters; unbound, nothing is counted.
 */
export interface OrdersMetrics {
  orderPlaced(): void;
  stockRefused(): void;
}

export const ORDERS_METRICS = portToken<OrdersMetrics>('orders.Metrics');
