import { Product } from '../../src/internal/domain/product.js';
import { StockReservations } from '../../src/internal/application/stock-reservations.js';
import { ReservationSweeper } from '../../src/internal/application/reservation-sweeper.js';
import { ReleaseAbandonedReservation } from '../../src/internal/application/release-abandoned-reservation.js';
import { ConfirmStockReservation } from '../../src/internal/application/confirm-stock-reservation.js';
import { FakeProductsUnitOfWork } from '../fakes/fake-products-unit-of-work.js';

const TTL = 60_000;
let nowMs = Date.parse('2026-01-01T00:00:00Z');
const clock = { now: () => new Date(nowMs) };
const event = (type: string, orderId: string, id = `${type}:${orderId}`) => ({
  id, type, version: 1, occurredAt: '', aggregateId: orderId, correlationId: 'c', causationId: null, payload: { orderId },
});

function setUp() {
  nowMs = Date.parse('2026-01-01T00:00:00Z');
  const uow = new FakeProductsUnitOfWork();
  uow.products.set('a', Product.create({ id: 'a', sku: 'A', name: 'a', unitPrice: 100, stock: 10, now: clock.now() }).snapshot());
  return {
    uow,
    reservations: new StockReservations(uow, clock, { reservationTtlMs: TTL }),
    sweeper: new ReservationSweeper(uow, clock, { reservationTtlMs: TTL, batchSize: 2 }),
    release: new ReleaseAbandonedReservation(uow),
    confirm: new ConfirmStockReservation(uow),
  };
}

describe('ReservationSweeper', () => {
  it('announces nothing before the TTL has passed', async () => {
    const { uow, reservations, sweeper } = setUp();
    await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    nowMs += TTL - 1;
    expect(await sweeper.sweep()).toBe(0);
    expect(uow.published).toEqual([]);
  });

  it('announces each expired order once per TTL, in batches, and never moves stock itself', async () => {
    const { uow, reservations, sweeper } = setUp();
    for (const id of ['o1', 'o2', 'o3']) await reservations.reserve(id, [{ productId: 'a', quantity: 1 }]);
    nowMs += TTL;
    expect(await sweeper.sweep()).toBe(3);
    expect(uow.published.map((e) => [e.type, (e.payload as { orderId: string }).orderId])).toEqual([
      ['products.StockReservationExpired', 'o1'],
      ['products.StockReservationExpired', 'o2'],
      ['products.StockReservationExpired', 'o3'],
    ]);
    expect(uow.stockOf('a')).toBe(7);
    expect(await sweeper.sweep()).toBe(0);
    nowMs += TTL; // nobody answered: ask again
    expect(await sweeper.sweep()).toBe(3);
  });

  it('never announces a confirmed reservation', async () => {
    const { uow, reservations, sweeper, confirm } = setUp();
    await reservations.reserve('o1', [{ productId: 'a', quantity: 2 }]);
    await confirm.handle(event('orders.OrderPlaced', 'o1'));
    nowMs += 10 * TTL;
    expect(await sweeper.sweep()).toBe(0);
    expect(uow.published).toEqual([]);
  });
});

describe('ReleaseAbandonedReservation', () => {
  it('puts the stock of an abandoned order back once, however often the event comes', async () => {
    const { uow, reservations, release } = setUp();
    await reservations.reserve('o1', [{ productId: 'a', quantity: 4 }]);
    await release.handle(event('orders.OrderAbandoned', 'o1'));
    await release.handle(event('orders.OrderAbandoned', 'o1'));
    await release.handle(event('orders.OrderAbandoned', 'o1', 'another-delivery'));
    expect(uow.stockOf('a')).toBe(10);
    expect(uow.reservations.map((r) => r.status)).toEqual(['released']);
  });

  it('leaves a confirmed reservation sold', async () => {
    const { uow, reservations, release, confirm } = setUp();
    await reservations.reserve('o1', [{ productId: 'a', quantity: 4 }]);
    await confirm.handle(event('orders.OrderPlaced', 'o1'));
    await release.handle(event('orders.OrderAbandoned', 'o1'));
    expect(uow.stockOf('a')).toBe(6);
    expect(uow.reservations.map((r) => r.status)).toEqual(['confirmed']);
  });
});
