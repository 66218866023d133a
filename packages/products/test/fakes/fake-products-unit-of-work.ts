import { assertConforms, ConcurrencyConflict, type EventEnvelope, type Outbox } from '@orderly/kernel';
import { Product, type ProductState } from '../../src/internal/domain/product.js';
import type { ReservationStatus, StockReservation } from '../../src/internal/domain/stock-reservation.js';
import { SkuAlreadyExists } from '../../src/internal/application/errors.js';
import type {
  ProductPosition,
  ProductReader,
  ProductRepository,
  ProductsScope,
  ProductsUnitOfWork,
  ReservationRepository,
} from '../../src/internal/application/ports.js';

/**
 * In-memory products storage with transaction semantics: work runs on a copy that is kept only
 * if it completes, like a rollback. Counts commits so tests can see that nothing was written.
 */
export class FakeProductsUnitOfWork implements ProductsUnitOfWork, ProductReader {
  products = new Map<string, ProductState>();
  reservations: StockReservation[] = [];
  inbox = new Set<string>();
  published: { type: string; payload: unknown }[] = [];
  commits = 0;

  async transaction<T>(work: (scope: ProductsScope) => Promise<T>): Promise<T> {
    const draft = { products: new Map(this.products), reservations: [...this.reservations], published: [] as { type: string; payload: unknown }[] };
    const result = await work(scopeOver(draft));
    this.products = draft.products;
    this.reservations = draft.reservations;
    this.published.push(...draft.published);
    this.commits++;
    return result;
  }

  async handleOnce(event: EventEnvelope, handler: string, work: (scope: ProductsScope) => Promise<void>): Promise<boolean> {
    const key = `${event.id}:${handler}`;
    if (this.inbox.has(key)) return false;
    await this.transaction(work);
    this.inbox.add(key);
    return true;
  }

  async get(id: string): Promise<ProductState | null> {
    return this.products.get(id) ?? null;
  }

  async page(limit: number, after: ProductPosition | null): Promise<ProductState[]> {
    const key = (p: { createdAt: Date; id: string }) => `${p.createdAt.toISOString()}|${p.id}`;
    return [...this.products.values()]
      .sort((a, b) => key(a).localeCompare(key(b)))
      .filter((p) => !after || key(p) > key(after))
      .slice(0, limit);
  }

  stockOf(id: string): number | undefined {
    return this.products.get(id)?.stock;
  }
}

function scopeOver(draft: { products: Map<string, ProductState>; reservations: StockReservation[]; published: { type: string; payload: unknown }[] }): ProductsScope {
  const products: ProductRepository = {
    async get(id) {
      const state = draft.products.get(id);
      return state ? Product.restore(state) : null;
    },
    async getManyForUpdate(ids) {
      return [...ids].sort().flatMap((id) => {
        const state = draft.products.get(id);
        return state ? [Product.restore(state)] : [];
      });
    },
    async add(product) {
      const state = product.snapshot();
      if ([...draft.products.values()].some((p) => p.sku === state.sku)) throw new SkuAlreadyExists(state.sku);
      draft.products.set(state.id, state);
    },
    async save(product, expectedVersion) {
      const state = product.snapshot();
      const stored = draft.products.get(state.id);
      if (stored?.version !== expectedVersion) throw new ConcurrencyConflict(`Product ${state.id}`);
      draft.products.set(state.id, { ...stored, stock: state.stock, version: state.version });
    },
    async saveEntry(product, expectedVersion) {
      const state = product.snapshot();
      const stored = draft.products.get(state.id);
      if (stored?.version !== expectedVersion) throw new ConcurrencyConflict(`Product ${state.id}`);
      draft.products.set(state.id, { ...stored, name: state.name, unitPrice: state.unitPrice, withdrawnAt: state.withdrawnAt, version: state.version });
    },
  };
  const reservations: ReservationRepository = {
    async forOrder(orderId) {
      return draft.reservations.filter((r) => r.orderId === orderId);
    },
    async add(made) {
      draft.reservations.push(...made);
    },
    async transition(orderId: string, from: ReservationStatus | readonly ReservationStatus[], to: ReservationStatus) {
      const moved: StockReservation[] = [];
      const fromAny: readonly ReservationStatus[] = [from].flat();
      draft.reservations = draft.reservations.map((r) => {
        if (r.orderId !== orderId || !fromAny.includes(r.status)) return r;
        const next = { ...r, status: to };
        moved.push(next);
        return next;
      });
      return moved;
    },
    async claimExpired(now: Date, nextExpiry: Date, limit: number) {
      const due = draft.reservations.filter((r) => r.status === 'reserved' && r.expiresAt <= now).slice(0, limit);
      draft.reservations = draft.reservations.map((r) => (due.includes(r) ? { ...r, expiresAt: nextExpiry } : r));
      return [...new Set(due.map((r) => r.orderId))];
    },
  };
  const outbox: Outbox = {
    add(schema, event) {
      assertConforms(schema, event.payload);
      draft.published.push({ type: schema.type, payload: event.payload });
      return { id: `e${draft.published.length}`, type: schema.type, version: schema.version, occurredAt: '', aggregateId: event.aggregateId, correlationId: 'c', causationId: null, payload: event.payload };
    },
  };
  return { products, reservations, outbox };
}
