import type { EventEnvelope, Outbox } from '@orderly/kernel';
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

/** A row of the order history read model. */
export interface OrderSummary {
  readonly id: string;
  readonly customerEmail: string;
  readonly total: number;
  readonly itemCount: number;
  readonly placedAt: Date;
}

export interface OrderSummaryPosition {
  readonly placedAt: Date;
  readonly id: string;
}

export interface OrderSummaryWriter {
  /** Adds a summary; a summary for the same order already there is left as it is. */
  add(summary: OrderSummary): Promise<void>;
}

export interface OrderHistoryProjection {
  /** Runs `work` at most once per (event, handler): the inbox row commits with the summary. */
  handleOnce(event: EventEnvelope, handler: string, work: (summaries: OrderSummaryWriter) => Promise<void>): Promise<boolean>;
}

export interface OrderHistoryReader {
  /** Newest first (placedAt, then id, descending), strictly older than `before` when given. */
  page(query: { customerEmail: string | null; limit: number; before: OrderSummaryPosition | null }): Promise<OrderSummary[]>;
}
