import { declareHandler } from '@orderly/kernel/domain';
import type { OrderConfirmationNeeded } from './events.js';

/**
 * The events notifications reacts to, one declaration per handler (its inbox name, the event it
 * listens to, its DI token). apps/api delivers each event with subscribe(publisher's schema, declaration).
 */

/** E-mails the customer a confirmation of a placed order (orders' OrderPlaced v1). */
export const SEND_ORDER_CONFIRMATION = declareHandler<OrderConfirmationNeeded>('notifications.SendOrderConfirmation', {
  type: 'orders.OrderPlaced',
  version: 1,
});
