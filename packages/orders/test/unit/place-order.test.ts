import { BusinessRuleViolation } from '@orderly/kernel';
import { PlaceOrder } from '../../src/internal/application/place-order.js';
import { InsufficientStock, OrderForAnotherCustomer, UnknownProducts, WithdrawnProducts } from '../../src/internal/application/errors.js';
import { customer, FakeInventory, FakeOrdersMetrics, FakeOrdersUnitOfWork } from '../fakes/fakes.js';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

function setUp() {
  const uow = new FakeOrdersUnitOfWork();
  const inventory = new FakeInventory({ mug: { available: 5, unitPrice: 1299 }, tee: { available: 1, unitPrice: 2500 } });
  const metrics = new FakeOrdersMetrics();
  return { uow, inventory, metrics, placeOrder: new PlaceOrder(uow, inventory, clock, () => 'order-1', metrics) };
}

describe('PlaceOrder', () => {
  it('prices lines at the reserved price, saves the order, publishes OrderPlaced with it and counts it', async () => {
    const { uow, metrics, placeOrder } = setUp();
    const order = await placeOrder.execute({ placedBy: customer('ada@example.com'), customerEmail: 'ada@example.com', items: [{ productId: 'mug', quantity: 2 }] });
    expect(order).toEqual({
      id: 'order-1',
      status: 'confirmed',
      statusChangedAt: '2026-01-01T00:00:00.000Z',
      customerEmail: 'ada@example.com',
      items: [{ productId: 'mug', quantity: 2, unitPrice: 1299, lineTotal: 2598 }],
      total: 2598,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(uow.orders.get('order-1')?.customerId).toBe('sub-ada@example.com');
    expect(uow.published.map((e) => [e.type, e.version, e.aggregateId, e.payload])).toEqual([
      ['orders.OrderPlaced', 1, 'order-1', { orderId: 'order-1', customerId: 'sub-ada@example.com', customerEmail: 'ada@example.com', lines: order.items, total: 2598, placedAt: order.createdAt }],
    ]);
    expect([metrics.placed, metrics.refused]).toEqual([1, 0]);
  });

  it('refuses a withdrawn product, naming it: nothing saved, nothing published', async () => {
    const { uow, inventory, placeOrder } = setUp();
    inventory.withdrawn.add('tee');
    await expect(
      placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 1 }, { productId: 'tee', quantity: 1 }] }),
    ).rejects.toEqual(new WithdrawnProducts(['tee']));
    expect(uow.orders.size).toBe(0);
    expect(uow.published).toEqual([]);
  });

  it('refuses insufficient stock: nothing saved, nothing published, one stock refusal counted', async () => {
    const { uow, metrics, placeOrder } = setUp();
    await expect(
      placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 1 }, { productId: 'tee', quantity: 2 }] }),
    ).rejects.toEqual(new InsufficientStock([{ productId: 'tee', requested: 2, available: 1 }]));
    expect(uow.orders.size).toBe(0);
    expect(uow.published).toEqual([]);
    expect([metrics.placed, metrics.refused]).toEqual([0, 1]);
  });

  it('refuses unknown products and names them', async () => {
    const { placeOrder } = setUp();
    const error = await placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'ghost', quantity: 1 }] }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownProducts);
    expect(error.details).toEqual({ unknownProductIds: ['ghost'] });
  });

  it('releases the reservation at once when saving the order fails, and counts no order', async () => {
    const { uow, inventory, metrics, placeOrder } = setUp();
    uow.failNextCommit = new Error('database went away');
    await expect(placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 5 }] })).rejects.toThrow('database went away');
    expect(inventory.released).toEqual(['order-1']);
    expect(metrics.placed).toBe(0);
    expect(await inventory.reserve('again', [{ productId: 'mug', quantity: 5 }])).toMatchObject({ status: 'reserved' });
  });

  it("refuses an order for another customer's e-mail before reserving anything (case aside)", async () => {
    const { uow, inventory, placeOrder } = setUp();
    const forBob = { placedBy: customer('ada@example.com'), customerEmail: 'bob@example.com', items: [{ productId: 'mug', quantity: 1 }] };
    await expect(placeOrder.execute(forBob)).rejects.toBeInstanceOf(OrderForAnotherCustomer);
    await expect(placeOrder.execute({ ...forBob, placedBy: { customerId: 'no-email', email: null } })).rejects.toBeInstanceOf(OrderForAnotherCustomer);
    expect(inventory.reserved.size).toBe(0);
    expect(uow.published).toEqual([]);
    await placeOrder.execute({ ...forBob, customerEmail: 'ADA@example.com' });
    expect(uow.orders.size).toBe(1);
  });

  it('reserves an id it generated as new (no idempotency lookup), a given id as possibly seen before', async () => {
    const { inventory, placeOrder } = setUp();
    await placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 1 }] });
    await placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 1 }] }, 'order-from-a-retry');
    expect([...inventory.reserved.keys()]).toEqual(['order-1', 'order-from-a-retry']);
    expect(inventory.reservedAsNew).toEqual(['order-1']);
  });

  it('checks the order before reserving anything', async () => {
    const { inventory, placeOrder } = setUp();
    await expect(placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 1 }, { productId: 'mug', quantity: 1 }] })).rejects.toBeInstanceOf(BusinessRuleViolation);
    expect(inventory.reserved.size).toBe(0);
  });
});
