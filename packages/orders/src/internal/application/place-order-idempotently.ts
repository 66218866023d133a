import { createHash, randomUUID } from 'node:crypto';
import type { OrderDto, PlaceOrderCommand, PlaceOrderDto } from '../../contracts/dto.js';
import { IdempotencyKeyReused, IdempotentRequestInProgress } from './errors.js';
import { checkPlacedForSelf, type PlaceOrder } from './place-order.js';
import type { OrdersUnitOfWork } from './ports.js';

export interface IdempotencyOptions {
  /** How long a key and its answer are kept (at least 24 h in production). */
  readonly ttlMs: number;
  /** How long one request may hold a key before another may assume it crashed and take over. */
  readonly leaseMs?: number;
  /** How long a repeat waits for the first request's answer before it gets 409. */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

export interface IdempotentAnswer {
  readonly order: OrderDto;
  /** True when this is the stored answer of an earlier request with the same key. */
  readonly replayed: boolean;
}

/**
 * POST /orders with an Idempotency-Key, scoped to the customer: the same key from two customers is
 * two requests (so nobody can read another's answer by guessing a key). The key is claimed before any stock is reserved, with a
 * fresh order id; the answer is stored in the same transaction as the order, so "order placed"
 * and "key answered" commit together. A repeat with the same body gets the stored answer; a repeat
 * while the first is running waits for it (then 409); a different body is refused (422).
 * If the owner crashed after reserving, its key is still `in-progress` with the old order id; once
 * the lease runs out, the next repeat abandons that order id (releasing its stock) and places the
 * order under a new id - never two orders, never stock reserved twice.
 */
export class PlaceOrderIdempotently {
  constructor(
    private readonly uow: OrdersUnitOfWork,
    private readonly placeOrder: PlaceOrder,
    private readonly options: IdempotencyOptions,
    private readonly newId: () => string = randomUUID,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async execute(key: string, command: PlaceOrderCommand): Promise<IdempotentAnswer> {
    // Before the key is claimed: an order for someone else must not occupy the customer's key.
    checkPlacedForSelf(command);
    const customerId = command.placedBy.customerId;
    const requestHash = fingerprint(command);
    const leaseMs = this.options.leaseMs ?? 30_000;
    const deadline = Date.now() + (this.options.waitMs ?? 10_000);
    for (;;) {
      const claim = await this.uow.transaction(({ idempotencyKeys }) =>
        idempotencyKeys.claim({ customerId, key, requestHash, orderId: this.newId(), leaseMs, ttlMs: this.options.ttlMs }),
      );
      if (claim.requestHash !== requestHash) throw new IdempotencyKeyReused();
      if (claim.kind === 'completed') return { order: claim.order, replayed: true };
      if (claim.kind === 'in-progress') {
        if (Date.now() >= deadline) throw new IdempotentRequestInProgress();
        await this.sleep(this.options.pollMs ?? 50);
        continue;
      }
      if (claim.abandonedOrderId) await this.placeOrder.abandonAndRelease(claim.abandonedOrderId);
      try {
        const order = await this.placeOrder.execute(command, claim.orderId, ({ idempotencyKeys }, dto) =>
          idempotencyKeys.complete(customerId, key, claim.orderId, dto),
        );
        return { order, replayed: false };
      } catch (error) {
        await this.uow.transaction(({ idempotencyKeys }) => idempotencyKeys.forget(customerId, key, claim.orderId)).catch(() => undefined);
        throw error;
      }
    }
  }
}

/** A stable hash of what the request asks for: same email and same lines in the same order. */
export function fingerprint(command: PlaceOrderDto): string {
  const canonical = JSON.stringify([command.customerEmail, command.items.map((i) => [i.productId, i.quantity])]);
  return createHash('sha256').update(canonical).digest('hex');
}
