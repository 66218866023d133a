import type { EmailMessage } from '../../contracts/ports.js';
import type { OrderConfirmationNeeded } from '../../contracts/events.js';

/** The order-confirmation email: a pure function of the order, easy to test and to change. */
export function composeOrderConfirmation(order: OrderConfirmationNeeded): EmailMessage {
  const lines = order.lines.map((l) => `  ${l.quantity} x ${l.productId}  ${formatMoney(l.lineTotal)}`);
  return {
    to: order.customerEmail,
    subject: `Your order ${order.orderId} is confirmed`,
    text: [`Thank you for your order ${order.orderId}.`, '', ...lines, '', `Total: ${formatMoney(order.total)}`].join('\n'),
  };
}

export function formatMoney(minorUnits: number): string {
  return `${Math.trunc(minorUnits / 100)}.${String(minorUnits % 100).padStart(2, '0')}`;
}
