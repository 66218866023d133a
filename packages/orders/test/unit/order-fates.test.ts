import { OrderAlreadyAbandoned } from '../../src/internal/application/errors.js';
import { AbandonExpiredOrder } from '../../src/internal/application/abandon-expired-order.js';
import { PlaceOrder } from '../../src/internal/application/place-order.js';
import { customer, FakeInventory, FakeOrdersUnitOfWork } from '../fakes/fakes.js';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const expired = (orderId: string) => ({
  id: `exp-${orderId}`, type: 'products.StockReservationExpired', version: 1, occurredAt: '', aggregateId: orderId,
  correlationId: 'c', causationId: null, payload: { orderId },
});

function setUp() {
  const uow = new FakeOrdersUnitOfWork();
  const inventory = new FakeInventory({ mug: { available: 5, unitPrice: 1299 } });
  return { uow, inventory, placeOrder: new PlaceOrder(uow, inventory, clock, () => 'order-1'), abandonExpired: new AbandonExpiredOrder(uow, clock) };
}

describe('order fates', () => {
  it('a placed order is recorded as placed; its expiry notice changes nothing', async () => {
    const { uow, inventory, placeOrder, abandonExpired } = setUp();
    await placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 2 }] });
    await abandonExpired.handle(expired('order-1'));
    expect(uow.fates.get('order-1')).toBe('placed');
    expect(uow.published.map((e) => e.type)).toEqual(['orders.OrderPlaced']);
    expect(inventory.released).toEqual([]);
  });

  it('an order that never committed is abandoned once, announcing OrderAbandoned once', async () => {
    const { uow, abandonExpired } = setUp();
    await abandonExpired.handle(expired('ghost'));
    await abandonExpired.handle(expired('ghost'));
    await abandonExpired.handle({ ...expired('ghost'), id: 'second-notice' });
    expect(uow.fates.get('ghost')).toBe('abandoned');
    expect(uow.published.map((e) => [e.type, e.payload])).toEqual([
      ['orders.OrderAbandoned', { orderId: 'ghost', abandonedAt: '2026-01-01T00:00:00.000Z' }],
    ]);
  });

  it('a late commit of an abandoned order fails, saves nothing and releases its stock at once', async () => {
    const { uow, inventory, placeOrder, abandonExpired } = setUp();
    await abandonExpired.handle(expired('order-1')); // the sweeper's notice won the race
    await expect(placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 2 }] })).rejects.toThrow();
    expect(uow.orders.size).toBe(0);
    expect(inventory.released).toEqual(['order-1']);
  });

  it('a failure after reserving abandons the order and releases at once', async () => {
    const { uow, inventory, placeOrder } = setUp();
    uow.failNextCommit = new Error('connection lost');
    await expect(placeOrder.execute({ placedBy: customer('a@b.co'), customerEmail: 'a@b.co', items: [{ productId: 'mug', quantity: 5 }] })).rejects.toThrow('connection lost');
    expect(uow.fates.get('order-1')).toBe('abandoned');
    expect(uow.published.map((e) => e.type)).toEqual(['orders.OrderAbandoned']);
    expect(inventory.released).toEqual(['order-1']);
  });

  it('OrderAlreadyAbandoned tells the client nothing was placed', () => {
    expect(new OrderAlreadyAbandoned('o1')).toMatchObject({ kind: 'conflict', title: 'Order abandoned' });
  });
});
