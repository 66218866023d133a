import type { EventEnvelope, Outbox } from '@orderly/kernel';
import type { Product, ProductState } from '../domain/product.js';
import type { ReservationStatus, StockReservation } from '../domain/stock-reservation.js';

/** The ports products' use cases depend on; infrastructure implements them, tests fake them. */

export interface ProductRepository {
  get(id: string): Promise<Product | null>;
  /** Loads and locks the products, always in id order so concurrent callers cannot deadlock. */
  getManyForUpdate(ids: readonly string[]): Promise<Product[]>;
  /** Throws SkuAlreadyExists when the sku is taken. */
  add(product: Product): Promise<void>;
  /**
   * Writes the product's stock (what restock, reserve and release move) only if the stored version
   * is still `expectedVersion`; throws ConcurrencyConflict otherwise.
   */
  save(product: Product, expectedVersion: number): Promise<void>;
  /** Writes its catalog entry (name, unit price, withdrawal) under the same version check. */
  saveEntry(product: Product, expectedVersion: number): Promise<void>;
}

export interface ReservationRepository {
  forOrder(orderId: string): Promise<StockReservation[]>;
  add(reservations: readonly StockReservation[]): Promise<void>;
  /**
   * Moves the order's reservations from one status to another and returns those it moved. Rows
   * already moved by a concurrent caller are not returned, so only one caller acts on them.
   */
  transition(orderId: string, from: ReservationStatus | readonly ReservationStatus[], to: ReservationStatus): Promise<StockReservation[]>;
  /**
   * Finds reservations still `reserved` whose expiry is at or before `now`, skipping rows another
   * transaction holds (FOR UPDATE SKIP LOCKED, so several instances share the sweep), moves their
   * expiry to `nextExpiry` (ask again then if nobody answered) and returns their distinct order ids.
   */
  claimExpired(now: Date, nextExpiry: Date, limit: number): Promise<string[]>;
}

export interface ProductsScope {
  readonly products: ProductRepository;
  readonly reservations: ReservationRepository;
  readonly outbox: Outbox;
}

export interface ProductsUnitOfWork {
  transaction<T>(work: (scope: ProductsScope) => Promise<T>): Promise<T>;
  /** Runs `work` at most once per (event, handler): the inbox row commits with the effect. */
  handleOnce(event: EventEnvelope, handler: string, work: (scope: ProductsScope) => Promise<void>): Promise<boolean>;
}

export interface ProductPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** Read side for single products and pages, outside any transaction. */
export interface ProductReader {
  get(id: string): Promise<ProductState | null>;
  /** Products in (createdAt, id) order, strictly after `after` when given. */
  page(limit: number, after: ProductPosition | null): Promise<ProductState[]>;
}

export interface ProductsClock {
  now(): Date;
}
