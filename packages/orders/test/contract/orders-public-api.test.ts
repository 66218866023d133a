// Contract test, like the seed's test_orders_module_contract: only @orderly/orders' public entry,
// wired as production wires it, with hand-written fakes of the ports it declares.
import { INVENTORY_PORT, OrderPlacedV1, PlaceOrder, ordersDatabase, type OrderPlaced } from '@orderly/orders';
import { customer, FakeInventory, FakeOrdersUnitOfWork } from '../fakes/fakes.js';

describe('@orderly/orders public API', () => {
  it('places an order through PlaceOrder with any InventoryPort and publishes OrderPlaced v1', async () => {
    const uow = new FakeOrdersUnitOfWork();
    const placeOrder = new PlaceOrder(uow, new FakeInventory({ p1: { available: 10, unitPrice: 500 } }), { now: () => new Date() });
    const result = await placeOrder.execute({ placedBy: customer('ada@example.com'), customerEmail: 'ada@example.com', items: [{ productId: 'p1', quantity: 2 }] });
    expect(result.status).toBe('confirmed');
    expect(result.total).toBe(1000);
    const [event] = uow.published;
    expect(event?.type).toBe(OrderPlacedV1.type);
    expect(OrderPlacedV1.problems(event?.payload)).toEqual([]);
    expect((event?.payload as OrderPlaced).orderId).toBe(result.id);
  });

  it('declares its port token and the schema it provisions', () => {
    expect(typeof INVENTORY_PORT).toBe('symbol');
    expect(ordersDatabase).toMatchObject({ module: 'orders', schema: 'orders', role: 'orderly_orders' });
  });

  it('publishes an OrderPlaced schema that rejects malformed payloads', () => {
    expect(OrderPlacedV1.problems({ orderId: 'o', customerEmail: 'x', lines: [{ productId: 'p', quantity: '2', unitPrice: 1, lineTotal: 2 }], total: 2, placedAt: 'yesterday' })).toEqual([
      'lines [0] quantity must be an integer',
      'placedAt must be an ISO 8601 date-time',
    ]);
  });
});
