import { Product } from '../../src/internal/domain/product.js';
import { ReservationAlreadyReleased, StockReservations } from '../../src/internal/application/stock-reservations.js';
import { ConfirmStockReservation } from '../../src/internal/application/confirm-stock-reservation.js';
import { ReturnCancelledOrderStock } from '../../src/internal/application/return-cancelled-order-stock.js';
import type { ProductsScope } from '../../src/internal/application/ports.js';
import { FakeProductsUnitOfWork } from '../fakes/fake-products-unit-of-work.js';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

function setUp(stocks: Record<string, number>) {
  const uow = new FakeProductsUnitOfWork();
  for (const [id, stock] of Object.entries(stocks)) {
    uow.products.set(id, Product.create({ id, sku: `SKU-${id}`, name: id, unitPrice: 100, stock, now: clock.now() }).snapshot());
  }
  return { uow, reservations: new StockReservations(uow, clock, { reservationTtlMs: 60_000 }) };
}

describe('StockReservations', () => {
  it('reserves every line at the current price and moves the stock', async () => {
    const { uow, reservations } = setUp({ a: 5, b: 5 });
    const outcome = await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }, { productId: 'b', quantity: 5 }]);
    expect(outcome).toEqual({
      status: 'reserved',
      lines: [{ productId: 'a', quantity: 2, unitPrice: 100 }, { productId: 'b', quantity: 5, unitPrice: 100 }],
    });
    expect([uow.stockOf('a'), uow.stockOf('b')]).toEqual([3, 0]);
    expect(uow.reservations.map((r) => [r.productId, r.status, r.expiresAt.toISOString()])).toEqual([
      ['a', 'reserved', '2026-01-01T00:01:00.000Z'],
      ['b', 'reserved', '2026-01-01T00:01:00.000Z'],
    ]);
  });

  it('reserves nothing when one line is short, and names it', async () => {
    const { uow, reservations } = setUp({ a: 5, b: 1 });
    const outcome = await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }, { productId: 'b', quantity: 2 }]);
    expect(outcome).toEqual({ status: 'insufficient-stock', lines: [{ productId: 'b', requested: 2, available: 1 }] });
    expect([uow.stockOf('a'), uow.stockOf('b')]).toEqual([5, 1]);
    expect(uow.reservations).toEqual([]);
  });

  it('reserves nothing when a product is unknown, and names it', async () => {
    const { uow, reservations } = setUp({ a: 5 });
    const outcome = await reservations.reserve('o1', [{ productId: 'a', quantity: 1 }, { productId: 'zz', quantity: 1 }]);
    expect(outcome).toEqual({ status: 'unknown-products', productIds: ['zz'] });
    expect(uow.stockOf('a')).toBe(5);
  });

  it('is idempotent by order id: reserving again moves no more stock', async () => {
    const { uow, reservations } = setUp({ a: 5 });
    const first = await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    const second = await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    expect(second).toEqual(first);
    expect(uow.stockOf('a')).toBe(3);
  });

  it('skips the idempotency lookup for an order id its caller just generated, and reserves the same', async () => {
    const { uow, reservations } = setUp({ a: 5 });
    const lookups: string[] = [];
    const transaction = uow.transaction.bind(uow);
    uow.transaction = <T>(work: (scope: ProductsScope) => Promise<T>) =>
      transaction((scope) => work({ ...scope, reservations: { ...scope.reservations, forOrder: (id: string) => (lookups.push(id), scope.reservations.forOrder(id)) } }));
    const outcome = await reservations.reserve('fresh', [{ productId: 'a', quantity: 2 }], { newOrderId: true });
    await reservations.reserve('o2', [{ productId: 'a', quantity: 1 }]);
    expect(outcome).toEqual({ status: 'reserved', lines: [{ productId: 'a', quantity: 2, unitPrice: 100 }] });
    expect(lookups).toEqual(['o2']);
    expect(uow.stockOf('a')).toBe(2);
  });

  it('releases an order once, giving its stock back, and refuses to reuse its id', async () => {
    const { uow, reservations } = setUp({ a: 5 });
    await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    await reservations.release('o1');
    await reservations.release('o1');
    expect(uow.stockOf('a')).toBe(5);
    await expect(reservations.reserve('o1', [{ productId: 'a', quantity: 1 }])).rejects.toBeInstanceOf(ReservationAlreadyReleased);
  });

  it('confirms an order once; a confirmed reservation is never released', async () => {
    const { uow, reservations } = setUp({ a: 5 });
    await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    const confirm = new ConfirmStockReservation(uow);
    const event = { id: 'e1', type: 'orders.OrderPlaced', version: 1, occurredAt: '', aggregateId: 'o1', correlationId: 'c', causationId: null, payload: { orderId: 'o1' } };
    await confirm.handle(event);
    await confirm.handle(event);
    await reservations.release('o1');
    expect(uow.reservations.map((r) => r.status)).toEqual(['confirmed']);
    expect(uow.stockOf('a')).toBe(3);
  });

  const event = (id: string, type: string, orderId: string) => ({
    id,
    type,
    version: 1,
    occurredAt: '',
    aggregateId: orderId,
    correlationId: 'c',
    causationId: null,
    payload: { orderId },
  });

  it('returns a cancelled order’s sold stock once, however often the cancellation is delivered', async () => {
    const { uow, reservations } = setUp({ a: 5, b: 5 });
    await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }, { productId: 'b', quantity: 3 }]);
    await new ConfirmStockReservation(uow).handle(event('e1', 'orders.OrderPlaced', 'o1'));
    const returnStock = new ReturnCancelledOrderStock(uow);
    await returnStock.handle(event('e2', 'orders.OrderCancelled', 'o1'));
    await returnStock.handle(event('e2', 'orders.OrderCancelled', 'o1'));
    // Even a second, distinct cancellation event moves nothing: only confirmed or reserved rows return.
    await returnStock.handle(event('e3', 'orders.OrderCancelled', 'o1'));
    expect([uow.stockOf('a'), uow.stockOf('b')]).toEqual([5, 5]);
    expect(uow.reservations.map((r) => r.status)).toEqual(['returned', 'returned']);
  });

  it('returns the stock of a cancellation that overtook the confirmation; the late confirmation then moves nothing', async () => {
    const { uow, reservations } = setUp({ a: 5 });
    await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    await new ReturnCancelledOrderStock(uow).handle(event('e2', 'orders.OrderCancelled', 'o1'));
    await new ConfirmStockReservation(uow).handle(event('e1', 'orders.OrderPlaced', 'o1'));
    await reservations.release('o1');
    expect(uow.stockOf('a')).toBe(5);
    expect(uow.reservations.map((r) => r.status)).toEqual(['returned']);
  });
});
