import type { StockRequestLine, StockReservationOutcome } from '../../contracts/dto.js';
import type { StockReservationService } from '../../contracts/ports.js';
import type { ReservationStatus, StockReservation } from '../domain/stock-reservation.js';
import type { ProductsClock, ProductsScope, ProductsUnitOfWork } from './ports.js';

export interface StockReservationsOptions {
  /** How long a reservation waits for its order to commit before the sweeper may release it. */
  readonly reservationTtlMs: number;
}

/**
 * Products' side of placing an order: reserve every line or none, in products' own transaction.
 * Idempotent by order id: reserving again for the same order returns the first answer and moves
 * no stock. Rows are locked in product-id order, so overlapping orders queue instead of
 * deadlocking, and stock can never go below zero.
 */
export class StockReservations implements StockReservationService {
  constructor(
    private readonly uow: ProductsUnitOfWork,
    private readonly clock: ProductsClock,
    private readonly options: StockReservationsOptions,
  ) {}

  /**
   * `newOrderId`: the caller generated the order id (a random UUID) for this very call, so no
   * reservation can exist for it, and the lookup that makes a repeat idempotent is skipped.
   */
  async reserve(orderId: string, lines: readonly StockRequestLine[], options: { newOrderId?: boolean } = {}): Promise<StockReservationOutcome> {
    return this.uow.transaction(async ({ products, reservations }) => {
      const existing = options.newOrderId ? [] : await reservations.forOrder(orderId);
      if (existing.length > 0) {
        if (existing.every((r) => r.status === 'released')) throw new ReservationAlreadyReleased(orderId);
        return reservedOutcome(lines, existing);
      }

      const ids = [...new Set(lines.map((l) => l.productId))].sort();
      const found = await products.getManyForUpdate(ids);
      const byId = new Map(found.map((p) => [p.id, p]));
      const unknown = ids.filter((id) => !byId.has(id));
      if (unknown.length > 0) return { status: 'unknown-products', productIds: unknown };
      const withdrawn = ids.filter((id) => byId.get(id)!.isWithdrawn);
      if (withdrawn.length > 0) return { status: 'withdrawn-products', productIds: withdrawn };

      const short = lines
        .filter((l) => !byId.get(l.productId)!.canReserve(l.quantity))
        .map((l) => ({ productId: l.productId, requested: l.quantity, available: byId.get(l.productId)!.stock }));
      if (short.length > 0) return { status: 'insufficient-stock', lines: short };

      const expiresAt = new Date(this.clock.now().getTime() + this.options.reservationTtlMs);
      const made: StockReservation[] = [];
      for (const line of lines) {
        const product = byId.get(line.productId)!;
        const expectedVersion = product.version;
        product.reserve(line.quantity);
        await products.save(product, expectedVersion);
        made.push({ orderId, productId: line.productId, quantity: line.quantity, unitPrice: product.unitPrice, status: 'reserved', expiresAt });
      }
      await reservations.add(made);
      return reservedOutcome(lines, made);
    });
  }

  /** Puts the stock of an order that will not be placed back on the shelf. Safe to repeat. */
  async release(orderId: string): Promise<void> {
    await this.uow.transaction(async (scope) => releaseReservations(scope, orderId));
  }
}

/** Returns the stock of an order's still-held reservations to the shelf. Safe to repeat. */
export function releaseReservations(scope: ProductsScope, orderId: string): Promise<void> {
  return putBackOnShelf(scope, orderId, 'reserved', 'released');
}

/**
 * Moves an order's reservations from `from` to `to` and puts their quantities back on the shelf.
 * Only the rows this call moved are counted, so a repeat (or a concurrent caller) returns nothing.
 */
export async function putBackOnShelf(
  { products, reservations }: ProductsScope,
  orderId: string,
  from: ReservationStatus | readonly ReservationStatus[],
  to: ReservationStatus,
): Promise<void> {
  const moved = await reservations.transition(orderId, from, to);
  if (moved.length === 0) return;
  const locked = await products.getManyForUpdate(moved.map((r) => r.productId));
  for (const product of locked) {
    const expectedVersion = product.version;
    for (const r of moved) if (r.productId === product.id) product.release(r.quantity);
    await products.save(product, expectedVersion);
  }
}

export class ReservationAlreadyReleased extends Error {
  constructor(orderId: string) {
    super(`Stock reserved for order ${orderId} was already released; a new order needs a new id.`);
    this.name = 'ReservationAlreadyReleased';
  }
}

function reservedOutcome(lines: readonly StockRequestLine[], held: readonly StockReservation[]): StockReservationOutcome {
  const price = new Map(held.map((r) => [r.productId, r.unitPrice]));
  return {
    status: 'reserved',
    lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: price.get(l.productId) ?? 0 })),
  };
}
