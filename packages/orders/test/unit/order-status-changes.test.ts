import { BusinessRuleViolation } from '@orderly/kernel';
import { CancelOrder } from '../../src/internal/application/cancel-order.js';
import { OrderNotFound } from '../../src/internal/application/errors.js';
import { PlaceOrder } from '../../src/internal/application/place-order.js';
import { ShipOrder } from '../../src/internal/application/ship-order.js';
import { customer, FakeInventory, FakeOrdersUnitOfWork } from '../fakes/fakes.js';

let nowIso = '2026-01-01T00:00:00.000Z';
const clock = { now: () => new Date(nowIso) };
const ada = customer('ada@example.com');
const asAda = { kind: 'customer', customerId: ada.customerId } as const;
const asStaff = { kind: 'everyone' } as const;

async function placedOrder() {
  const uow = new FakeOrdersUnitOfWork();
  const inventory = new FakeInventory({ mug: { available: 5, unitPrice: 1299 } });
  nowIso = '2026-01-01T00:00:00.000Z';
  const order = await new PlaceOrder(uow, inventory, clock, () => 'order-1').execute({ placedBy: ada, customerEmail: 'ada@example.com', items: [{ productId: 'mug', quantity: 2 }] });
  uow.published.length = 0;
  nowIso = '2026-01-02T00:00:00.000Z';
  return { uow, order, cancel: new CancelOrder(uow, clock), ship: new ShipOrder(uow, clock) };
}

describe('CancelOrder and ShipOrder', () => {
  it('cancels and publishes OrderCancelled with the quantities; a repeat answers the same and publishes nothing', async () => {
    const { uow, cancel } = await placedOrder();
    const cancelled = await cancel.execute('order-1', asAda);
    expect(cancelled).toMatchObject({ id: 'order-1', status: 'cancelled', statusChangedAt: '2026-01-02T00:00:00.000Z' });
    expect(uow.published.map((e) => [e.type, e.version, e.aggregateId, e.payload])).toEqual([
      [
        'orders.OrderCancelled',
        1,
        'order-1',
        { orderId: 'order-1', customerId: ada.customerId, customerEmail: 'ada@example.com', lines: [{ productId: 'mug', quantity: 2 }], total: 2598, cancelledAt: '2026-01-02T00:00:00.000Z' },
      ],
    ]);
    nowIso = '2026-01-03T00:00:00.000Z';
    expect(await cancel.execute('order-1', asAda)).toEqual(cancelled);
    expect(uow.published).toHaveLength(1);
  });

  it('ships and publishes OrderShipped; a repeat answers the same and publishes nothing', async () => {
    const { uow, ship } = await placedOrder();
    const shipped = await ship.execute('order-1');
    expect(shipped).toMatchObject({ status: 'shipped', statusChangedAt: '2026-01-02T00:00:00.000Z' });
    expect(await ship.execute('order-1')).toEqual(shipped);
    expect(uow.published.map((e) => [e.type, e.payload])).toEqual([
      ['orders.OrderShipped', { orderId: 'order-1', customerId: ada.customerId, customerEmail: 'ada@example.com', shippedAt: '2026-01-02T00:00:00.000Z' }],
    ]);
  });

  it('refuses to cancel a shipped order and to ship a cancelled one, publishing nothing', async () => {
    const shippedFirst = await placedOrder();
    await shippedFirst.ship.execute('order-1');
    await expect(shippedFirst.cancel.execute('order-1', asAda)).rejects.toThrow(BusinessRuleViolation);
    await expect(shippedFirst.cancel.execute('order-1', asAda)).rejects.toMatchObject({ rule: 'OnlyConfirmedOrdersCanBeCancelled', details: { currentStatus: 'shipped' } });
    expect(shippedFirst.uow.published.map((e) => e.type)).toEqual(['orders.OrderShipped']);

    const cancelledFirst = await placedOrder();
    await cancelledFirst.cancel.execute('order-1', asAda);
    await expect(cancelledFirst.ship.execute('order-1')).rejects.toMatchObject({ rule: 'OnlyConfirmedOrdersCanBeShipped', details: { currentStatus: 'cancelled' } });
    expect(cancelledFirst.uow.published.map((e) => e.type)).toEqual(['orders.OrderCancelled']);
  });

  it("answers OrderNotFound for another customer's order, exactly as for an unknown one; staff cancel any", async () => {
    const { uow, cancel } = await placedOrder();
    const bob = { kind: 'customer', customerId: customer('bob@example.com').customerId } as const;
    await expect(cancel.execute('order-1', bob)).rejects.toEqual(new OrderNotFound('order-1'));
    expect(uow.published).toEqual([]);
    expect(await cancel.execute('order-1', asStaff)).toMatchObject({ status: 'cancelled' });
  });

  it('answers OrderNotFound for an unknown order', async () => {
    const { cancel, ship } = await placedOrder();
    await expect(cancel.execute('nope', asStaff)).rejects.toEqual(new OrderNotFound('nope'));
    await expect(ship.execute('nope')).rejects.toEqual(new OrderNotFound('nope'));
  });
});
