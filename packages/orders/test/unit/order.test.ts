import { brokenRule } from '@orderly/testing';
import { BusinessRuleViolation } from '@orderly/kernel';
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

describe('an order after it is placed', () => {
  const later = new Date('2026-01-02T00:00:00Z');
  const placed = () => {
    const order = Order.place({ id: 'o1', customerId: 'sub-1', customerEmail: 'a@b.co', lines: [line('p1', 2, 150)], now });
    order.pullDomainEvents();
    return order;
  };

  it('is cancelled once: status and its time change, OrderWasCancelled is recorded, a repeat changes nothing', () => {
    const order = placed();
    expect(order.statusChangedAt).toEqual(now);
    expect(order.cancel(later)).toBe(true);
    expect([order.status, order.statusChangedAt]).toEqual(['cancelled', later]);
    expect(order.pullDomainEvents()).toEqual([{ kind: 'OrderWasCancelled', order }]);
    expect(order.cancel(new Date('2026-01-03T00:00:00Z'))).toBe(false);
    expect([order.status, order.statusChangedAt]).toEqual(['cancelled', later]);
    expect(order.pullDomainEvents()).toEqual([]);
  });

  it('is shipped once: status and its time change, OrderWasShipped is recorded, a repeat changes nothing', () => {
    const order = placed();
    expect(order.ship(later)).toBe(true);
    expect([order.status, order.statusChangedAt]).toEqual(['shipped', later]);
    expect(order.pullDomainEvents()).toEqual([{ kind: 'OrderWasShipped', order }]);
    expect(order.ship(new Date('2026-01-03T00:00:00Z'))).toBe(false);
    expect(order.pullDomainEvents()).toEqual([]);
  });

  it.each([
    ['cancel a shipped order', (o: Order) => o.ship(later), (o: Order) => o.cancel(later), 'OnlyConfirmedOrdersCanBeCancelled', 'shipped'],
    ['ship a cancelled order', (o: Order) => o.cancel(later), (o: Order) => o.ship(later), 'OnlyConfirmedOrdersCanBeShipped', 'cancelled'],
  ])('refuses to %s, naming the current status, and changes nothing', (_what, first, second, rule, status) => {
    const order = placed();
    first(order);
    order.pullDomainEvents();
    let violation: unknown;
    try {
      second(order);
    } catch (error) {
      violation = error;
    }
    expect(violation).toBeInstanceOf(BusinessRuleViolation);
    expect(violation).toMatchObject({ rule, kind: 'conflict', details: { currentStatus: status } });
    expect((violation as Error).message).toContain(`this order is ${status}`);
    expect(brokenRule(() => second(order))).toBe(rule);
    expect(order.status).toBe(status);
    expect(order.pullDomainEvents()).toEqual([]);
  });
});
