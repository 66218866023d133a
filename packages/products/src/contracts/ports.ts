import { portToken } from '@orderly/kernel/domain';
import type { StockRequestLine, StockReservationOutcome } from './dto.js';

/**
 * What products provides to other modules, under a token: apps/api binds a consumer's port to it
 * (orders' INVENTORY_PORT), and TypeScript checks there that the shapes fit.
 */

/** Reserves stock for an order, every line or none; idempotent by order id. */
export interface StockReservationService {
  /** `newOrderId`: the caller vouches the id is fresh, so no earlier reservation is looked up. */
  reserve(orderId: string, lines: readonly StockRequestLine[], options?: { newOrderId?: boolean }): Promise<StockReservationOutcome>;
  /** Gives back what is still reserved for an order. Safe to repeat. */
  release(orderId: string): Promise<void>;
}

export const STOCK_RESERVATIONS = portToken<StockReservationService>('products.StockReservations');
