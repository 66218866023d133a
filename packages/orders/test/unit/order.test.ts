import { brokenRule } from '@orderly/testing';
import { Order } from '../../src/internal/domain/order.js';
import { OrderLine } from '../../src/internal/domain/order-line.js';

const now = new Date('2026-01-01T00:00:00Z');
const line = (productId: string, quantity = 1, unitPrice = 100) => ({ productId, quantity, unitPrice });

describe('Order', () => {
  it('is placed confirmed, totals its lines, and records OrderWasPlaced once', () => {
    const order = Order.place({ id: 'o1', customerId: 'sub-1', customerEmail: 'a@b.co', lines: [line('p1', 2, 150), line('p2', 1, 1000)], now });
    expect(order.status).toBe('confirmed');
    expect(order.lines.map((l) => l.lineTotal)).toEqual([300, 1000]);
    expect(order.total).toBe(1300);
    expect(order.pullDomainEvents()).toEqual([{ kind: 'OrderWasPlaced', order }]);
    expect(order.pullDomainEvents()).toEqual([]);
  });

  it.each([
    ['no lines', { lines: [] }, 'OrderMustHaveOneTo50Lines'],
    ['51 lines', { lines: Array.from({ length: 51 }, (_, i) => line(`p${i}`)) }, 'OrderMustHaveOneTo50Lines'],
    ['a repeated product', { lines: [line('p1'), line('p1')] }, 'OrderLinesMustHaveDistinctProducts'],
    ['a zero quantity', { lines: [line('p1', 0)] }, 'QuantityMustBeBetween1And1000'],
    ['a quantity of 1001', { lines: [line('p1', 1001)] }, 'QuantityMustBeBetween1And1000'],
    ['a fractional quantity', { lines: [line('p1', 1.5)] }, 'QuantityMustBeBetween1And1000'],
    ['a negative price', { lines: [line('p1', 1, -5)] }, 'UnitPriceCannotBeNegative'],
    ['an invalid email', { customerEmail: 'not-an-email' }, 'CustomerEmailMustBeValid'],
  ])('refuses %s', (_what, override, rule) => {
    expect(brokenRule(() => Order.place({ id: 'o', customerId: 'sub-1', customerEmail: 'a@b.co', lines: [line('p1')], now, ...override }))).toBe(rule);
  });

  it('treats lines as values', () => {
    expect(new OrderLine('p', 2, 5).equals(new OrderLine('p', 2, 5))).toBe(true);
    expect(new OrderLine('p', 2, 5).equals(new OrderLine('p', 3, 5))).toBe(false);
  });
});
