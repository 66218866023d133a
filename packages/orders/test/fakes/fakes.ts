import { assertConforms, type EventEnvelope, type EventSchema, type NewEvent, type Outbox } from '@orderly/kernel';
import type { InventoryLine, InventoryPort, InventoryReservation, OrderRepository, OrdersScope, OrdersUnitOfWork } from '@orderly/orders';

type Order = Parameters<OrderRepository['add']>[0];

/** In-memory orders storage and outbox with commit-or-nothing semantics. */
export class FakeOrdersUnitOfWork implements OrdersUnitOfWork {
  readonly orders = new Map<string, Order>();
  readonly published: EventEnvelope[] = [];
  failNextCommit: Error | null = null;

  async transaction<T>(work: (scope: OrdersScope) => Promise<T>): Promise<T> {
    const added: Order[] = [];
    const events: EventEnvelope[] = [];
    const outbox: Outbox = {
      add<P>(schema: EventSchema<P>, event: NewEvent<P>) {
        assertConforms(schema, event.payload);
        const envelope = { id: `e${events.length}`, type: schema.type, version: schema.version, occurredAt: '', aggregateId: event.aggregateId, correlationId: 'c', causationId: null, payload: event.payload };
        events.push(envelope);
        return envelope;
      },
    };
    const result = await work({
      orders: { add: async (order) => void added.push(order), get: async (id) => this.orders.get(id) ?? added.find((o) => o.id === id) ?? null },
      outbox,
    });
    if (this.failNextCommit) {
      const error = this.failNextCommit;
      this.failNextCommit = null;
      throw error;
    }
    for (const order of added) this.orders.set(order.id, order);
    this.published.push(...events);
    return result;
  }
}

/** An inventory with fixed stock and prices that remembers what it reserved and released. */
export class FakeInventory implements InventoryPort {
  readonly reserved = new Map<string, readonly InventoryLine[]>();
  readonly released: string[] = [];

  constructor(private readonly stock: Record<string, { available: number; unitPrice: number }>) {}

  async reserve(orderId: string, lines: readonly InventoryLine[]): Promise<InventoryReservation> {
    const unknown = lines.filter((l) => !this.stock[l.productId]).map((l) => l.productId);
    if (unknown.length) return { status: 'unknown-products', productIds: unknown };
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
