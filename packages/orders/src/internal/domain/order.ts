import { AggregateRoot, checkRule } from '@orderly/kernel/domain';
import { OrderLine } from './order-line.js';
import {
  CustomerEmailMustBeValid,
  OnlyConfirmedOrdersCanBeCancelled,
  OnlyConfirmedOrdersCanBeShipped,
  OrderLinesMustHaveDistinctProducts,
  OrderMustHaveOneTo50Lines,
  QuantityMustBeBetween1And1000,
} from './order-rules.js';
import type { OrderStatus } from './order-status.js';

export type { OrderStatus } from './order-status.js';

/**
 * Domain events recorded by the aggregate; the application layer turns each into its integration
 * event (OrderPlaced, OrderCancelled, OrderShipped) in the same transaction.
 */
export type OrderEvent =
  | { readonly kind: 'OrderWasPlaced'; readonly order: Order }
  | { readonly kind: 'OrderWasCancelled'; readonly order: Order }
  | { readonly kind: 'OrderWasShipped'; readonly order: Order };

export interface OrderState {
  readonly id: string;
  /** The subject (token `sub`) the order belongs to; null for orders placed before identity. */
  readonly customerId: string | null;
  readonly customerEmail: string;
  readonly status: OrderStatus;
  /** When the order got its current status (its placement time while confirmed). */
  readonly statusChangedAt: Date;
  readonly lines: readonly OrderLine[];
  readonly createdAt: Date;
}

/**
 * The Order aggregate. An order exists only once its stock is reserved and its lines priced, so
 * it is born `confirmed`; the rules that make an order well-formed are checked here, whatever
 * the caller validated before. From `confirmed` it may be cancelled or shipped, once: asking for
 * the status it already has changes nothing and records nothing (so repeating a cancel is safe),
 * any other change of a shipped or cancelled order breaks a named rule.
 */
export class Order extends AggregateRoot<OrderEvent> {
  private constructor(private state: OrderState) {
    super();
  }

  static place(input: {
    id: string;
    customerId: string;
    customerEmail: string;
    lines: readonly { productId: string; quantity: number; unitPrice: number }[];
    now: Date;
  }): Order {
    Order.checkRequest(input.customerEmail, input.lines);
    const lines = input.lines.map((l) => new OrderLine(l.productId, l.quantity, l.unitPrice));
    const order = new Order({
      id: input.id,
      customerId: input.customerId,
      customerEmail: input.customerEmail,
      status: 'confirmed',
      statusChangedAt: input.now,
      lines,
      createdAt: input.now,
    });
    order.record({ kind: 'OrderWasPlaced', order });
    return order;
  }

  /** The rules an order request must meet before any stock is reserved for it. */
  static checkRequest(customerEmail: string, items: readonly { productId: string; quantity: number }[]): void {
    checkRule(new CustomerEmailMustBeValid(customerEmail));
    checkRule(new OrderMustHaveOneTo50Lines(items.length));
    checkRule(new OrderLinesMustHaveDistinctProducts(items.map((l) => l.productId)));
    for (const item of items) checkRule(new QuantityMustBeBetween1And1000(item.quantity));
  }

  static restore(state: OrderState): Order {
    return new Order(state);
  }

  get id() {
    return this.state.id;
  }
  get customerId() {
    return this.state.customerId;
  }
  get customerEmail() {
    return this.state.customerEmail;
  }
  get status() {
    return this.state.status;
  }
  get lines() {
    return this.state.lines;
  }
  get statusChangedAt() {
    return this.state.statusChangedAt;
  }
  get createdAt() {
    return this.state.createdAt;
  }

  /** Cancels a confirmed order; returns false (and records nothing) when it is already cancelled. */
  cancel(now: Date): boolean {
    if (this.state.status === 'cancelled') return false;
    checkRule(new OnlyConfirmedOrdersCanBeCancelled(this.state.status));
    this.state = { ...this.state, status: 'cancelled', statusChangedAt: now };
    this.record({ kind: 'OrderWasCancelled', order: this });
    return true;
  }

  /** Ships a confirmed order; returns false (and records nothing) when it is already shipped. */
  ship(now: Date): boolean {
    if (this.state.status === 'shipped') return false;
    checkRule(new OnlyConfirmedOrdersCanBeShipped(this.state.status));
    this.state = { ...this.state, status: 'shipped', statusChangedAt: now };
    this.record({ kind: 'OrderWasShipped', order: this });
    return true;
  }
  get total(): number {
    return this.state.lines.reduce((sum, line) => sum + line.lineTotal, 0);
  }
}
