import { composeOrderConfirmation, formatMoney } from '../../src/internal/domain/order-confirmation.js';

describe('the order-confirmation email', () => {
  it('addresses the customer and lists the lines and total', () => {
    const message = composeOrderConfirmation({
      orderId: 'o-1',
      customerEmail: 'ada@example.com',
      total: 3847,
      lines: [{ productId: 'mug', quantity: 2, lineTotal: 2598 }, { productId: 'pen', quantity: 1, lineTotal: 1249 }],
    });
    expect(message).toEqual({
      to: 'ada@example.com',
      subject: 'Your order o-1 is confirmed',
      text: 'Thank you for your order o-1.\n\n  2 x mug  25.98\n  1 x pen  12.49\n\nTotal: 38.47',
    });
  });

  it('formats minor units with two decimals', () => {
    expect([0, 5, 100, 123456].map(formatMoney)).toEqual(['0.00', '0.05', '1.00', '1234.56']);
  });
});
