import { AggregateRoot, checkRule } from '@orderly/kernel/domain';
import { OrderLine } from './order-line.js';
import {
  CustomerEmailMustBeValid,
  OrderLinesMustHaveDistinctProducts,
  OrderMustHaveOneTo50Lines,
  QuantityMustBeBetween1And1000,
} from './order-rules.js';

export type OrderStatus = 'confirmed';

/** Domain event: recorded by the aggregate, turned into the OrderPlaced integration event. */
export interface OrderWasPlaced {
  readonly kind: 'OrderWasPlaced';
  readonly order: Order;
}

export interface OrderState {
  readonly id: string;
  readonly customerEmail: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  readonly createdAt: Date;
}

/**
 * The Order aggregate. An order exists only once its stock is reserved and its lines priced, so
 * it is born `confirmed`; the rules that make an order well-formed are checked here, whatever
 * the caller validated before.
 */
export class Order extends AggregateRoot<OrderWasPlaced> {
  private constructor(private readonly state: OrderState) {
    super();
  }

  static place(input: {
    id: string;
    customerEmail: string;
    lines: readonly { productId: string; quantity: number; unitPrice: number }[];
    now: Date;
  }): Order {
    Order.checkRequest(input.customerEmail, input.lines);
    const lines = input.lines.map((l) => new OrderLine(l.productId, l.quantity, l.unitPrice));
    const order = new Order({ id: input.id, customerEmail: input.customerEmail, status: 'confirmed', lines, createdAt: input.now });
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
  get customerEmail() {
    return this.state.customerEmail;
  }
  get status() {
    return this.state.status;
  }
  get lines() {
    return this.state.lines;
  }
  get createdAt() {
    return this.state.createdAt;
  }
  get total(): number {
    return this.state.lines.reduce((sum, line) => sum + line.lineTotal, 0);
  }
}
