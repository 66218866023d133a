// Contract test, like the seed's test_orders_module_contract: only @orderly/orders' public entry,
// as apps/api and other modules see it (its use cases are tested in test/unit, its storage in
// test/integration).
import { subscribe } from '@orderly/kernel';
import {
  ABANDON_EXPIRED_ORDER,
  INVENTORY_PORT,
  ORDERS_METRICS,
  OrderAbandonedV1,
  OrderPlacedV1,
  PROJECT_ORDER_SUMMARY,
  ordersDatabase,
  type OrderPlaced,
} from '@orderly/orders';

const placed: OrderPlaced = {
  orderId: 'o-1',
  customerId: 'sub-ada',
  customerEmail: 'ada@example.com',
  lines: [{ productId: 'p-1', quantity: 2, unitPrice: 500, lineTotal: 1000 }],
  total: 1000,
  placedAt: '2026-01-01T00:00:00.000Z',
};

describe('@orderly/orders public API', () => {
  it('publishes OrderPlaced v1, which accepts a placed order and rejects malformed payloads', () => {
    expect([OrderPlacedV1.type, OrderPlacedV1.version]).toEqual(['orders.OrderPlaced', 1]);
    expect(OrderPlacedV1.problems(placed)).toEqual([]);
    expect(OrderPlacedV1.problems({ ...placed, lines: [{ productId: 'p', quantity: '2', unitPrice: 1, lineTotal: 2 }], placedAt: 'yesterday' })).toEqual([
      'lines [0] quantity must be an integer',
      'placedAt must be an ISO 8601 date-time',
    ]);
  });

  it('publishes OrderAbandoned v1', () => {
    expect([OrderAbandonedV1.type, OrderAbandonedV1.version]).toEqual(['orders.OrderAbandoned', 1]);
    expect(OrderAbandonedV1.problems({ orderId: 'o-1', abandonedAt: '2026-01-01T00:00:00.000Z' })).toEqual([]);
    expect(OrderAbandonedV1.problems({ orderId: '' })).not.toEqual([]);
  });

  it('declares each handler with the event it listens to and its inbox name (renaming one would redo old events)', () => {
    expect(PROJECT_ORDER_SUMMARY).toMatchObject({ name: 'orders.ProjectOrderSummary', listensTo: { type: 'orders.OrderPlaced', version: 1 } });
    expect(ABANDON_EXPIRED_ORDER).toMatchObject({ name: 'orders.AbandonExpiredOrder', listensTo: { type: 'products.StockReservationExpired', version: 1 } });
    expect(subscribe(OrderPlacedV1, PROJECT_ORDER_SUMMARY)).toEqual({ schema: OrderPlacedV1, handler: PROJECT_ORDER_SUMMARY });
    // @ts-expect-error OrderAbandoned's payload is not an OrderPlaced; subscribe() refuses it at run time too.
    expect(() => subscribe(OrderAbandonedV1, PROJECT_ORDER_SUMMARY)).toThrow(
      'orders.ProjectOrderSummary listens to orders.OrderPlaced v1; it cannot be subscribed to orders.OrderAbandoned v1.',
    );
  });

  it('declares one token per port and handler, and the schema and role it provisions', () => {
    const tokens = [INVENTORY_PORT, ORDERS_METRICS, PROJECT_ORDER_SUMMARY.token, ABANDON_EXPIRED_ORDER.token];
    expect(new Set(tokens.map((token) => token.description)).size).toBe(tokens.length);
    expect(ordersDatabase).toMatchObject({ module: 'orders', schema: 'orders', role: 'orderly_orders' });
  });
});
