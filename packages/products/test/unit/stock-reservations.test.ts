import { Product } from '../../src/internal/domain/product.js';
import { ReservationAlreadyReleased, StockReservations } from '../../src/internal/application/stock-reservations.js';
import { ConfirmStockReservation } from '../../src/internal/application/confirm-stock-reservation.js';
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
});
