import type { BusinessRule } from '@orderly/kernel/domain';
import type { OrderStatus } from './order-status.js';

export const MAX_LINES = 50;
export const MAX_LINE_QUANTITY = 1000;

export class OrderMustHaveOneTo50Lines implements BusinessRule {
  readonly name = 'OrderMustHaveOneTo50Lines';
  readonly message: string;
  constructor(private readonly count: number) {
    this.message = `an order needs 1 to ${MAX_LINES} lines, got ${count}`;
  }
  isBroken() {
    return this.count < 1 || this.count > MAX_LINES;
  }
}

export class OrderLinesMustHaveDistinctProducts implements BusinessRule {
  readonly name = 'OrderLinesMustHaveDistinctProducts';
  readonly message = 'each product may appear on only one line of an order';
  constructor(private readonly productIds: readonly string[]) {}
  isBroken() {
    return new Set(this.productIds).size !== this.productIds.length;
  }
}

export class QuantityMustBeBetween1And1000 implements BusinessRule {
  readonly name = 'QuantityMustBeBetween1And1000';
  readonly message: string;
  constructor(private readonly quantity: number) {
    this.message = `quantity must be an integer from 1 to ${MAX_LINE_QUANTITY}, got ${quantity}`;
  }
  isBroken() {
    return !Number.isInteger(this.quantity) || this.quantity < 1 || this.quantity > MAX_LINE_QUANTITY;
  }
}

export class UnitPriceCannotBeNegative implements BusinessRule {
  readonly name = 'UnitPriceCannotBeNegative';
  readonly message = 'unit price must be a whole, non-negative number of minor units';
  constructor(private readonly unitPrice: number) {}
  isBroken() {
    return !Number.isSafeInteger(this.unitPrice) || this.unitPrice < 0;
  }
}

/**
 * An address the notifications module can send to: no white space, one "@", a dot in the domain
 * (a quoted local part such as "a b"@example.com is refused). The request class checks it too, so
 * a client hears of it as a 400 on the field.
 */
export const CUSTOMER_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class CustomerEmailMustBeValid implements BusinessRule {
  readonly name = 'CustomerEmailMustBeValid';
  readonly message: string;
  constructor(private readonly email: string) {
    this.message = `"${email}" is not a valid email address`;
  }
  isBroken() {
    return this.email.length > 254 || !CUSTOMER_EMAIL.test(this.email);
  }
}

/** A status change of a shipped or cancelled order: refused, naming the status it has. */
abstract class OnlyConfirmedOrdersCanChange implements BusinessRule {
  abstract readonly name: string;
  readonly kind = 'conflict' as const;
  readonly message: string;
  readonly details: { readonly currentStatus: OrderStatus };
  constructor(
    change: 'cancelled' | 'shipped',
    private readonly status: OrderStatus,
  ) {
    this.message = `only a confirmed order can be ${change}; this order is ${status}`;
    this.details = { currentStatus: status };
  }
  isBroken() {
    return this.status !== 'confirmed';
  }
}

export class OnlyConfirmedOrdersCanBeCancelled extends OnlyConfirmedOrdersCanChange {
  readonly name = 'OnlyConfirmedOrdersCanBeCancelled';
  constructor(status: OrderStatus) {
    super('cancelled', status);
  }
}

export class OnlyConfirmedOrdersCanBeShipped extends OnlyConfirmedOrdersCanChange {
  readonly name = 'OnlyConfirmedOrdersCanBeShipped';
  constructor(status: OrderStatus) {
    super('shipped', status);
  }
}
