import { declareHandler } from '@orderly/kernel/domain';
import type { OrderAbandonedNotice, OrderCancelledNotice, OrderCommittedNotice } from './events.js';

/**
 * The events products reacts to, one declaration per handler (its inbox name, the event it
 * listens to, its DI token). apps/api delivers each event with subscribe(publisher's schema, declaration).
 */

/** Confirms (sells) the stock reserved for an order once orders commits it (orders' OrderPlaced v1). */
export const CONFIRM_STOCK_RESERVATION = declareHandler<OrderCommittedNotice>('products.ConfirmStockReservation', {
  type: 'orders.OrderPlaced',
  version: 1,
});

/** Puts back the stock of an order that orders abandoned (orders' OrderAbandoned v1). */
export const RELEASE_ABANDONED_RESERVATION = declareHandler<OrderAbandonedNotice>('products.ReleaseAbandonedReservation', {
  type: 'orders.OrderAbandoned',
  version: 1,
});

/** Puts back the stock of a cancelled order (orders' OrderCancelled v1). */
export const RETURN_CANCELLED_ORDER_STOCK = declareHandler<OrderCancelledNotice>('products.ReturnCancelledOrderStock', {
  type: 'orders.OrderCancelled',
  version: 1,
});
