import { declareHandler } from '@orderly/kernel/domain';
import { OrderPlacedV1, type OrderPlaced, type ReservationExpiryNotice } from './events.js';

/**
 * The events orders reacts to, one declaration per handler (its inbox name, the event it listens
 * to, its DI token). apps/api delivers each event with subscribe(publisher's schema, declaration).
 */

/** Feeds the order history read model (GET /orders) from orders' own OrderPlaced. */
export const PROJECT_ORDER_SUMMARY = declareHandler<OrderPlaced>('orders.ProjectOrderSummary', OrderPlacedV1);

/** Abandons an order whose stock reservation expired before it was placed (products' StockReservationExpired v1). */
export const ABANDON_EXPIRED_ORDER = declareHandler<ReservationExpiryNotice>('orders.AbandonExpiredOrder', {
  type: 'products.StockReservationExpired',
  version: 1,
});
