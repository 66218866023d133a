import { EditProduct } from '../../src/internal/application/edit-product.js';
import { ProductChangedSinceRead, ProductNotFound } from '../../src/internal/application/errors.js';
import { StockReservations } from '../../src/internal/application/stock-reservations.js';
import { WithdrawProduct } from '../../src/internal/application/withdraw-product.js';
import { Product } from '../../src/internal/domain/product.js';
import { strongETagsFromIfMatch } from '../../src/internal/http/if-match.js';
import { FakeProductsUnitOfWork } from '../fakes/fake-products-unit-of-work.js';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

function setUp() {
  const uow = new FakeProductsUnitOfWork();
  uow.products.set('p1', Product.create({ id: 'p1', sku: 'MUG', name: 'Mug', unitPrice: 100, stock: 5, now: clock.now() }).snapshot());
  return { uow, edit: new EditProduct(uow), withdraw: new WithdrawProduct(uow, clock), reservations: new StockReservations(uow, clock, { reservationTtlMs: 60_000 }) };
}

describe('EditProduct', () => {
  it('changes name and price when If-Match names the current version, and answers the new ETag', async () => {
    const { uow, edit } = setUp();
    const answer = await edit.execute('p1', ['"1"'], { name: 'Big mug', unitPrice: 150 });
    expect(answer).toMatchObject({ etag: '"2"', product: { name: 'Big mug', unitPrice: 150, stock: 5 } });
    expect(uow.products.get('p1')).toMatchObject({ name: 'Big mug', unitPrice: 150, version: 2 });
  });

  it('refuses a stale ETag with ProductChangedSinceRead naming the current one, and changes nothing', async () => {
    const { uow, edit } = setUp();
    await edit.execute('p1', ['"1"'], { name: 'First' });
    await expect(edit.execute('p1', ['"1"'], { name: 'Second' })).rejects.toEqual(new ProductChangedSinceRead('p1', '"2"'));
    expect(uow.products.get('p1')).toMatchObject({ name: 'First', version: 2 });
    await expect(edit.execute('nope', ['"1"'], { name: 'x' })).rejects.toBeInstanceOf(ProductNotFound);
  });

  it('keeps the price of stock reserved before a reprice', async () => {
    const { edit, reservations } = setUp();
    const before = await reservations.reserve('o1', [{ productId: 'p1', quantity: 1 }]);
    const { etag } = await edit.execute('p1', ['"2"'], { unitPrice: 999 });
    const after = await reservations.reserve('o2', [{ productId: 'p1', quantity: 1 }]);
    expect([before, after, etag]).toEqual([
      { status: 'reserved', lines: [{ productId: 'p1', quantity: 1, unitPrice: 100 }] },
      { status: 'reserved', lines: [{ productId: 'p1', quantity: 1, unitPrice: 999 }] },
      '"3"',
    ]);
    expect(await reservations.reserve('o1', [{ productId: 'p1', quantity: 1 }])).toEqual(before);
  });
});

describe('WithdrawProduct', () => {
  it('withdraws once; new reservations are refused naming it, held ones are untouched', async () => {
    const { uow, withdraw, reservations } = setUp();
    await reservations.reserve('o1', [{ productId: 'p1', quantity: 2 }]);
    const first = await withdraw.execute('p1');
    expect(first.product).toMatchObject({ withdrawn: true, withdrawnAt: '2026-01-01T00:00:00.000Z' });
    expect(await withdraw.execute('p1')).toEqual(first);
    expect(await reservations.reserve('o2', [{ productId: 'p1', quantity: 1 }])).toEqual({ status: 'withdrawn-products', productIds: ['p1'] });
    expect(uow.reservations.map((r) => [r.orderId, r.status])).toEqual([['o1', 'reserved']]);
    expect(uow.stockOf('p1')).toBe(3);
  });
});

describe('If-Match', () => {
  it.each([
    ['"3"', ['"3"']],
    ['"3", "4"', ['"3"', '"4"']],
    ['W/"3"', []],
    ['W/"3", "5"', ['"5"']],
  ])('reads %s as the strong tags %j', (header, tags) => {
    expect(strongETagsFromIfMatch(header)).toEqual(tags);
  });

  it.each([[undefined], [''], ['*']])('answers %j with If-Match required (428)', (header) => {
    expect(() => strongETagsFromIfMatch(header)).toThrow(expect.objectContaining({ kind: 'precondition-required' }));
  });

  it.each([['3'], ['"3'], ['"3" x']])('refuses the malformed %j as invalid input (400)', (header) => {
    expect(() => strongETagsFromIfMatch(header)).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });
});
