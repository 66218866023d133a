import { declareHandler } from '@orderly/kernel/domain';
import {
  OrderCancelledV1,
  OrderPlacedV1,
  OrderShippedV1,
  type OrderCancelled,
  type OrderPlaced,
  type OrderShipped,
  type ReservationExpiryNotice,
} from './events.js';

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

/** Shows a cancelled order as cancelled in the order history read model (its own OrderCancelled). */
export const PROJECT_ORDER_CANCELLATION = declareHandler<OrderCancelled>('orders.ProjectOrderCancellation', OrderCancelledV1);

/** Shows a shipped order as shipped in the order history read model (its own OrderShipped). */
export const PROJECT_ORDER_SHIPMENT = declareHandler<OrderShipped>('orders.ProjectOrderShipment', OrderShippedV1);
