import type { OrderAudience } from '../../src/contracts/dto.js';
import { assertConforms, type EventEnvelope, type EventSchema, type NewEvent, type Outbox } from '@orderly/kernel';
// Fakes of orders' ports: the application ports are internal, so they come by relative path.
import type { OrderDto } from '../../src/contracts/dto.js';
import type { InventoryLine, InventoryPort, InventoryReservation, OrdersMetrics, ReserveOptions } from '../../src/contracts/ports.js';
import type {
  IdempotencyClaim,
  IdempotencyKeyStore,
  OrderFateRegistry,
  OrderRepository,
  OrdersScope,
  OrdersUnitOfWork,
} from '../../src/internal/application/ports.js';
import type { OrderFate } from '../../src/internal/domain/order-fate.js';

interface FakeKey {
  requestHash: string;
  orderId: string;
  state: 'in-progress' | 'completed';
  lockedUntil: number;
  expiresAt: number;
  response: OrderDto | null;
}

type Order = Parameters<OrderRepository['add']>[0];

/** In-memory orders storage and outbox with commit-or-nothing semantics. */
export class FakeOrdersUnitOfWork implements OrdersUnitOfWork {
  readonly orders = new Map<string, Order>();
  readonly published: EventEnvelope[] = [];
  fates = new Map<string, OrderFate>();
  keys = new Map<string, FakeKey>();
  readonly inbox = new Set<string>();
  failNextCommit: Error | null = null;
  /** The fake's clock for lease and TTL decisions (the database clock in production). */
  nowMs = 0;

  async handleOnce(event: EventEnvelope, handler: string, work: (scope: OrdersScope) => Promise<void>): Promise<boolean> {
    const id = `${event.id}:${handler}`;
    if (this.inbox.has(id)) return false;
    await this.transaction(work);
    this.inbox.add(id);
    return true;
  }

  async transaction<T>(work: (scope: OrdersScope) => Promise<T>): Promise<T> {
    const added: Order[] = [];
    const events: EventEnvelope[] = [];
    const fates = new Map(this.fates);
    const keys = new Map([...this.keys].map(([k, v]) => [k, { ...v }]));
    const outbox: Outbox = {
      add<P>(schema: EventSchema<P>, event: NewEvent<P>) {
        assertConforms(schema, event.payload);
        const envelope = { id: `e${events.length}`, type: schema.type, version: schema.version, occurredAt: '', aggregateId: event.aggregateId, correlationId: 'c', causationId: null, payload: event.payload };
        events.push(envelope);
        return envelope;
      },
    };
    const find = async (id: string) => this.orders.get(id) ?? added.find((o) => o.id === id) ?? null;
    // As in SQL: a customer's lock finds only their own order.
    const findFor = async (id: string, audience: OrderAudience) => {
      const order = await find(id);
      return order && (audience.kind === 'everyone' || order.customerId === audience.customerId) ? order : null;
    };
    const result = await work({
      orders: { add: async (order) => void added.push(order), get: find, getForUpdate: findFor, saveStatus: async () => undefined },
      outbox,
      fates: fakeFates(fates),
      idempotencyKeys: fakeKeys(keys, () => this.nowMs),
    });
    if (this.failNextCommit) {
      const error = this.failNextCommit;
      this.failNextCommit = null;
      throw error;
    }
    for (const order of added) this.orders.set(order.id, order);
    this.published.push(...events);
    this.fates = fates;
    this.keys = keys;
    return result;
  }
}

function fakeFates(fates: Map<string, OrderFate>): OrderFateRegistry {
  return {
    async markPlaced(orderId) {
      if (fates.has(orderId)) throw new Error(`order ${orderId} already has a fate`);
      fates.set(orderId, 'placed');
    },
    async abandon(orderId) {
      const fate = fates.get(orderId);
      if (fate) return { fate, decidedNow: false };
      fates.set(orderId, 'abandoned');
      return { fate: 'abandoned', decidedNow: true };
    },
  };
}

/** Keys are per customer, as in the real store. */
export function scopedKey(customerId: string, key: string): string {
  return `${customerId}/${key}`;
}

/** A customer as a verified token would describe them. */
export function customer(email: string, customerId = `sub-${email}`) {
  return { customerId, email };
}

function fakeKeys(keys: Map<string, FakeKey>, now: () => number): IdempotencyKeyStore {
  return {
    async claim({ customerId, key: clientKey, requestHash, orderId, leaseMs, ttlMs }): Promise<IdempotencyClaim> {
      const key = scopedKey(customerId, clientKey);
      const row = keys.get(key);
      if (!row || row.expiresAt <= now()) {
        keys.set(key, { requestHash, orderId, state: 'in-progress', lockedUntil: now() + leaseMs, expiresAt: now() + ttlMs, response: null });
        return { kind: 'owner', orderId, requestHash, abandonedOrderId: null };
      }
      if (row.requestHash !== requestHash) return { kind: 'in-progress', requestHash: row.requestHash };
      if (row.state === 'completed') return { kind: 'completed', requestHash, order: row.response! };
      if (row.lockedUntil > now()) return { kind: 'in-progress', requestHash };
      const abandonedOrderId = row.orderId;
      Object.assign(row, { orderId, lockedUntil: now() + leaseMs });
      return { kind: 'owner', orderId, requestHash, abandonedOrderId };
    },
    async complete(customerId, clientKey, orderId, order) {
      const row = keys.get(scopedKey(customerId, clientKey));
      if (!row || row.orderId !== orderId || row.state !== 'in-progress') throw new Error('superseded: the key belongs to another order id now');
      Object.assign(row, { state: 'completed', response: order });
    },
    async forget(customerId, clientKey, orderId) {
      const key = scopedKey(customerId, clientKey);
      if (keys.get(key)?.orderId === orderId && keys.get(key)?.state === 'in-progress') keys.delete(key);
    },
    async purgeExpired() {
      let purged = 0;
      for (const [key, row] of keys) {
        if (row.expiresAt <= now()) {
          keys.delete(key);
          purged++;
        }
      }
      return purged;
    },
  };
}

/** An inventory with fixed stock and prices that remembers what it reserved and released. */
export class FakeInventory implements InventoryPort {
  readonly reserved = new Map<string, readonly InventoryLine[]>();
  readonly released: string[] = [];
  readonly withdrawn = new Set<string>();
  /** Order ids reserved as new (ReserveOptions.newOrderId): no idempotency lookup needed. */
  readonly reservedAsNew: string[] = [];

  constructor(private readonly stock: Record<string, { available: number; unitPrice: number }>) {}

  async reserve(orderId: string, lines: readonly InventoryLine[], options: ReserveOptions = {}): Promise<InventoryReservation> {
    if (options.newOrderId) this.reservedAsNew.push(orderId);
    const unknown = lines.filter((l) => !this.stock[l.productId]).map((l) => l.productId);
    if (unknown.length) return { status: 'unknown-products', productIds: unknown };
    const withdrawn = lines.filter((l) => this.withdrawn.has(l.productId)).map((l) => l.productId);
    if (withdrawn.length) return { status: 'withdrawn-products', productIds: withdrawn };
    const short = lines.filter((l) => this.stock[l.productId]!.available < l.quantity);
    if (short.length) {
      return { status: 'insufficient-stock', lines: short.map((l) => ({ productId: l.productId, requested: l.quantity, available: this.stock[l.productId]!.available })) };
    }
    for (const l of lines) this.stock[l.productId]!.available -= l.quantity;
    this.reserved.set(orderId, lines);
    return { status: 'reserved', lines: lines.map((l) => ({ ...l, unitPrice: this.stock[l.productId]!.unitPrice })) };
  }

  async release(orderId: string): Promise<void> {
    const lines = this.reserved.get(orderId);
    if (!lines) return;
    for (const l of lines) this.stock[l.productId]!.available += l.quantity;
    this.reserved.delete(orderId);
    this.released.push(orderId);
  }
}

/** Counts what orders reports through ORDERS_METRICS. */
export class FakeOrdersMetrics implements OrdersMetrics {
  placed = 0;
  refused = 0;
  orderPlaced(): void {
    this.placed++;
  }
  stockRefused(): void {
    this.refused++;
  }
}
