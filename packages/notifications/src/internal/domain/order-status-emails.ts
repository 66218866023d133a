import type { EmailMessage } from '../../contracts/ports.js';
import type { OrderCancellationNotice, OrderShipmentNotice } from '../../contracts/events.js';
import { formatMoney } from './order-confirmation.js';

/** The e-mail telling a customer their order was cancelled: a pure function of the event. */
export function composeCancellationEmail(order: OrderCancellationNotice): EmailMessage {
  return {
    to: order.customerEmail,
    subject: `Your order ${order.orderId} is cancelled`,
    text: [`Your order ${order.orderId} (total ${formatMoney(order.total)}) has been cancelled.`, 'Nothing will be shipped.'].join('\n'),
  };
}

/** The e-mail telling a customer their order has been shipped. */
export function composeShippedEmail(order: OrderShipmentNotice): EmailMessage {
  return {
    to: order.customerEmail,
    subject: `Your order ${order.orderId} has shipped`,
    text: `Your order ${order.orderId} is on its way.`,
  };
}
