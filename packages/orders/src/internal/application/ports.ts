import type { Outbox } from '@orderly/kernel';
import type { Order } from '../domain/order.js';

/** Ports orders' use cases depend on; infrastructure implements them, tests fake them. */

export interface OrderRepository {
  add(order: Order): Promise<void>;
  get(id: string): Promise<Order | null>;
}

export interface OrdersScope {
  readonly orders: OrderRepository;
  readonly outbox: Outbox;
}

export interface OrdersUnitOfWork {
  transaction<T>(work: (scope: OrdersScope) => Promise<T>): Promise<T>;
}

/** Read side for single orders, outside any transaction. */
export interface OrderReader {
  get(id: string): Promise<Order | null>;
}

export interface OrdersClock {
  now(): Date;
}
