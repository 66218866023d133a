import type { EventEnvelope, Outbox } from '@orderly/kernel';
import type { OrderAudience, OrderDto } from '../../contracts/dto.js';
import type { OrderFate } from '../domain/order-fate.js';
import type { Order } from '../domain/order.js';
import type { OrderStatus } from '../domain/order-status.js';

/** Ports orders' use cases depend on; infrastructure implements them, tests fake them. */

export interface OrderRepository {
  add(order: Order): Promise<void>;
  get(id: string): Promise<Order | null>;
  /**
   * Loads the order and locks it until the transaction ends, so concurrent changes of one order
   * run one after another and each sees the status the previous one left. Null when it does not
   * exist or is outside the audience (another customer's order looks like no order).
   */
  getForUpdate(id: string, audience: OrderAudience): Promise<Order | null>;
  /** Writes the order's status and when it changed (lines and totals never change). */
  saveStatus(order: Order): Promise<void>;
}

/** The one place where an order id's fate is decided (see OrderFate). */
export interface OrderFateRegistry {
  /** Records that the order commits with this transaction; throws OrderAlreadyAbandoned if it was abandoned. */
  markPlaced(orderId: string): Promise<void>;
  /** Abandons the order unless it was placed; returns the fate that holds and whether this call decided it. */
  abandon(orderId: string): Promise<{ fate: OrderFate; decidedNow: boolean }>;
}

export type IdempotencyClaim =
  /** This request owns the key and must place the order under `orderId`. */
  | { readonly kind: 'owner'; readonly orderId: string; readonly requestHash: string; readonly abandonedOrderId: string | null }
  | { readonly kind: 'completed'; readonly requestHash: string; readonly order: OrderDto }
  | { readonly kind: 'in-progress'; readonly requestHash: string };

/** Idempotency-Key records (Stripe-style), per customer (the same key from two customers is two keys), kept for `ttlMs` then purged. */
export interface IdempotencyKeyStore {
  /**
   * Claims the key for a request with this hash. A key still being worked on, whose lease has
   * run out (its owner crashed), is taken over: the returned `abandonedOrderId` is the order id
   * the crashed owner used, which the new owner must abandon before placing under a fresh id.
   */
  claim(input: { customerId: string; key: string; requestHash: string; orderId: string; leaseMs: number; ttlMs: number }): Promise<IdempotencyClaim>;
  /**
   * Stores the answer; commits with the order (same transaction). Throws IdempotentRequestSuperseded
   * when the key now belongs to another order id (a repeat took over), which rolls the order back.
   */
  complete(customerId: string, key: string, orderId: string, order: OrderDto): Promise<void>;
  /** Lets go of a key whose request failed, so a retry starts afresh. */
  forget(customerId: string, key: string, orderId: string): Promise<void>;
  /** Deletes keys older than their TTL; returns how many. */
  purgeExpired(): Promise<number>;
}

export interface OrdersScope {
  readonly orders: OrderRepository;
  readonly outbox: Outbox;
  readonly fates: OrderFateRegistry;
  readonly idempotencyKeys: IdempotencyKeyStore;
}

export interface OrdersUnitOfWork {
  transaction<T>(work: (scope: OrdersScope) => Promise<T>): Promise<T>;
  /** Runs `work` at most once per (event, handler): the inbox row commits with the effect. */
  handleOnce(event: EventEnvelope, handler: string, work: (scope: OrdersScope) => Promise<void>): Promise<boolean>;
}

/** Read side for single orders, outside any transaction. */
export interface OrderReader {
  /** The order as GET /orders/:id shows it, if it exists and the audience may see it; null otherwise (the two look the same). */
  get(id: string, audience: OrderAudience): Promise<OrderDto | null>;
}

export interface OrdersClock {
  now(): Date;
}

/** A row of the order history read model. */
export interface OrderSummary {
  readonly id: string;
  /** The owner's subject; null for orders placed before identity. Not shown to clients. */
  readonly customerId: string | null;
  readonly customerEmail: string;
  readonly total: number;
  readonly itemCount: number;
  readonly placedAt: Date;
  readonly status: OrderStatus;
  readonly statusChangedAt: Date;
}

export interface OrderSummaryPosition {
  readonly placedAt: Date;
  readonly id: string;
}

export interface OrderSummaryWriter {
  /** Adds a summary; a summary for the same order already there is left as it is. */
  add(summary: OrderSummary): Promise<void>;
  /** Records the order's new status; returns false when its summary is not there (yet). */
  changeStatus(orderId: string, status: OrderStatus, changedAt: Date): Promise<boolean>;
}

export interface OrderHistoryProjection {
  /** Runs `work` at most once per (event, handler): the inbox row commits with the summary. */
  handleOnce(event: EventEnvelope, handler: string, work: (summaries: OrderSummaryWriter) => Promise<void>): Promise<boolean>;
}

export interface OrderHistoryReader {
  /**
   * Newest first (placedAt, then id, descending), strictly older than `before` when given; only
   * the audience's orders, and of those only `customerEmail`'s when given.
   */
  page(query: { audience: OrderAudience; customerEmail: string | null; limit: number; before: OrderSummaryPosition | null }): Promise<OrderSummary[]>;
}
