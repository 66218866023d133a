import { IdempotencyKeyReused, IdempotentRequestInProgress, OrderForAnotherCustomer } from '../../src/internal/application/errors.js';
import { PlaceOrder } from '../../src/internal/application/place-order.js';
import { fingerprint, PlaceOrderIdempotently } from '../../src/internal/application/place-order-idempotently.js';
import { customer, FakeInventory, FakeOrdersMetrics, FakeOrdersUnitOfWork } from '../fakes/fakes.js';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const order = { placedBy: customer('ada@example.com'), customerEmail: 'ada@example.com', items: [{ productId: 'mug', quantity: 2 }] };

function setUp(options: { waitMs?: number } = {}) {
  const uow = new FakeOrdersUnitOfWork();
  const inventory = new FakeInventory({ mug: { available: 10, unitPrice: 1299 }, tee: { available: 1, unitPrice: 2500 } });
  let n = 0;
  const newId = () => `order-${++n}`;
  const metrics = new FakeOrdersMetrics();
  const placeOrder = new PlaceOrder(uow, inventory, clock, newId, metrics);
  const idempotent = new PlaceOrderIdempotently(uow, placeOrder, { ttlMs: 86_400_000, leaseMs: 30_000, waitMs: options.waitMs ?? 0, pollMs: 1 }, newId, async () => {
    uow.nowMs += 1; // time passes while a repeat waits
  });
  return { uow, inventory, idempotent, metrics };
}

describe('PlaceOrderIdempotently', () => {
  it('answers a repeat with the first order, reserves nothing more and counts one order placed', async () => {
    const { uow, inventory, idempotent, metrics } = setUp();
    const first = await idempotent.execute('key-1', order);
    const again = await idempotent.execute('key-1', { placedBy: customer('ada@example.com'), customerEmail: 'ada@example.com', items: [{ productId: 'mug', quantity: 2 }] });
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ order: first.order, replayed: true });
    expect(uow.orders.size).toBe(1);
    expect([...inventory.reserved.keys()]).toEqual([first.order.id]);
    expect(metrics.placed).toBe(1);
  });

  it('refuses the same key with a different body (422), reserving nothing', async () => {
    const { inventory, idempotent } = setUp();
    await idempotent.execute('key-1', order);
    await expect(idempotent.execute('key-1', { ...order, items: [{ productId: 'mug', quantity: 3 }] })).rejects.toBeInstanceOf(IdempotencyKeyReused);
    expect(inventory.reserved.size).toBe(1);
  });

  it('answers 409 to a repeat while the first request still holds the key', async () => {
    const { uow, idempotent } = setUp();
    await uow.transaction((s) => s.idempotencyKeys.claim({ customerId: order.placedBy.customerId, key: 'busy', requestHash: fingerprint(order), orderId: 'running', leaseMs: 30_000, ttlMs: 86_400_000 }));
    await expect(idempotent.execute('busy', order)).rejects.toBeInstanceOf(IdempotentRequestInProgress);
    expect(uow.orders.size).toBe(0);
  });

  it('takes over a key whose owner crashed after reserving: abandons its order id, places one order', async () => {
    const { uow, inventory, idempotent } = setUp();
    // The crashed owner claimed the key and reserved stock under "crashed-order", then died.
    await uow.transaction((s) => s.idempotencyKeys.claim({ customerId: order.placedBy.customerId, key: 'k', requestHash: fingerprint(order), orderId: 'crashed-order', leaseMs: 30_000, ttlMs: 86_400_000 }));
    await inventory.reserve('crashed-order', order.items);
    uow.nowMs += 30_000; // the lease ran out
    const answer = await idempotent.execute('k', order);
    expect(answer.order.id).not.toBe('crashed-order');
    expect(uow.fates.get('crashed-order')).toBe('abandoned');
    expect(inventory.released).toEqual(['crashed-order']);
    expect([...uow.orders.keys()]).toEqual([answer.order.id]);
    expect((await idempotent.execute('k', order)).order).toEqual(answer.order);
  });

  it('a slow owner overtaken by a repeat after its lease places nothing; the repeat places the one order', async () => {
    const { uow, inventory, idempotent } = setUp();
    const reserve = inventory.reserve.bind(inventory);
    let repeat: ReturnType<typeof idempotent.execute> | undefined;
    inventory.reserve = async (orderId, lines) => {
      const outcome = await reserve(orderId, lines);
      if (!repeat) {
        uow.nowMs += 30_000; // the owner stalls past its lease; a repeat arrives and finishes first
        repeat = idempotent.execute('k', order);
        await repeat;
      }
      return outcome;
    };
    await expect(idempotent.execute('k', order)).rejects.toThrow();
    const winner = await repeat!;
    expect([...uow.orders.keys()]).toEqual([winner.order.id]);
    expect(uow.fates.get('order-1')).toBe('abandoned');
    expect([...inventory.reserved.keys()]).toEqual([winner.order.id]);
    expect((await idempotent.execute('k', order)).order).toEqual(winner.order);
  });

  it('lets go of the key when the order is refused, so a retry starts afresh', async () => {
    const { uow, idempotent } = setUp();
    const tooMany = { ...order, items: [{ productId: 'tee', quantity: 2 }] };
    await expect(idempotent.execute('k', tooMany)).rejects.toThrow(/Not enough stock/);
    expect(uow.keys.size).toBe(0);
  });

  it('scopes keys per customer: the same key from two customers places two orders', async () => {
    const { uow, idempotent } = setUp();
    const ada = await idempotent.execute('shared-key', order);
    const bob = await idempotent.execute('shared-key', { placedBy: customer('bob@example.com'), customerEmail: 'bob@example.com', items: order.items });
    expect(bob.replayed).toBe(false);
    expect(bob.order.id).not.toBe(ada.order.id);
    expect(bob.order.customerEmail).toBe('bob@example.com');
    expect(uow.orders.size).toBe(2);
  });

  it('refuses an order for another customer before claiming the key', async () => {
    const { uow, idempotent } = setUp();
    await expect(idempotent.execute('k', { ...order, placedBy: customer('mallory@example.com') })).rejects.toBeInstanceOf(OrderForAnotherCustomer);
    expect(uow.keys.size).toBe(0);
  });

  it('forgets keys after their TTL', async () => {
    const { uow, idempotent } = setUp();
    await idempotent.execute('k', order);
    uow.nowMs += 86_400_000;
    expect(await uow.transaction((s) => s.idempotencyKeys.purgeExpired())).toBe(1);
  });

  it('fingerprints what the order asks for', () => {
    expect(fingerprint(order)).toBe(fingerprint({ items: [{ quantity: 2, productId: 'mug' }], customerEmail: 'ada@example.com' }));
    expect(fingerprint(order)).not.toBe(fingerprint({ ...order, customerEmail: 'bob@example.com' }));
  });
});
