import { declareHandler } from '@orderly/kernel/domain';
import type { OrderCancellationNotice, OrderConfirmationNeeded, OrderShipmentNotice } from './events.js';

/**
 * The events notifications reacts to, one declaration per handler (its inbox name, the event it
 * listens to, its DI token). apps/api delivers each event with subscribe(publisher's schema, declaration).
 */

/** E-mails the customer a confirmation of a placed order (orders' OrderPlaced v1). */
export const SEND_ORDER_CONFIRMATION = declareHandler<OrderConfirmationNeeded>('notifications.SendOrderConfirmation', {
  type: 'orders.OrderPlaced',
  version: 1,
});

/** E-mails the customer that their order was cancelled (orders' OrderCancelled v1). */
export const SEND_CANCELLATION_EMAIL = declareHandler<OrderCancellationNotice>('notifications.SendCancellationEmail', {
  type: 'orders.OrderCancelled',
  version: 1,
});

/** E-mails the customer that their order was shipped (orders' OrderShipped v1). */
export const SEND_SHIPPED_EMAIL = declareHandler<OrderShipmentNotice>('notifications.SendShippedEmail', {
  type: 'orders.OrderShipped',
  version: 1,
});
