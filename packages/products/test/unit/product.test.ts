import { brokenRule } from '@orderly/testing';
import { Product } from '../../src/internal/domain/product.js';

const now = new Date('2026-01-01T00:00:00Z');
const mug = (stock = 10) => Product.create({ id: 'p1', sku: 'MUG-1', name: 'Mug', unitPrice: 1299, stock, now });

describe('Product', () => {
  it('is created with version 1 and the given stock', () => {
    expect(mug().snapshot()).toEqual({ id: 'p1', sku: 'MUG-1', name: 'Mug', unitPrice: 1299, stock: 10, version: 1, createdAt: now, withdrawnAt: null });
  });

  it.each([
    ['a sku with spaces', { sku: 'MUG 1' }, 'SkuMustBeWellFormed'],
    ['an empty sku', { sku: '' }, 'SkuMustBeWellFormed'],
    ['a 65-character sku', { sku: 'x'.repeat(65) }, 'SkuMustBeWellFormed'],
    ['an empty name', { name: '' }, 'NameMustBeOneTo200Characters'],
    ['a name of white space only', { name: ' \t\u00a0' }, 'NameMustBeOneTo200Characters'],
    ['a fractional price', { unitPrice: 12.5 }, 'UnitPriceMustBeWholeMinorUnits'],
    ['a negative price', { unitPrice: -1 }, 'UnitPriceMustBeWholeMinorUnits'],
    ['negative stock', { stock: -1 }, 'StockMustBeWithinRange'],
    ['stock above 1e9', { stock: 1_000_000_001 }, 'StockMustBeWithinRange'],
  ])('refuses %s', (_what, override, rule) => {
    expect(brokenRule(() => Product.create({ id: 'p', sku: 'OK', name: 'n', unitPrice: 1, stock: 1, now, ...override }))).toBe(rule);
  });

  it('reserves stock and bumps its version', () => {
    const product = mug(10);
    product.reserve(4);
    expect(product.stock).toBe(6);
    expect(product.version).toBe(2);
  });

  it('cannot reserve more than is available, and stays unchanged', () => {
    const product = mug(3);
    expect(brokenRule(() => product.reserve(4))).toBe('CannotReserveMoreThanAvailable');
    expect(product.stock).toBe(3);
    expect(product.version).toBe(1);
  });

  it('restocks by a positive quantity only', () => {
    const product = mug(1);
    product.restock(5);
    expect(product.stock).toBe(6);
    expect(brokenRule(() => product.restock(0))).toBe('QuantityMustBePositive');
  });

  it('cannot be restocked above the maximum stock', () => {
    const product = mug(999_999_999);
    expect(brokenRule(() => product.restock(2))).toBe('RestockCannotExceedMaximumStock');
  });

  it('gives released stock back', () => {
    const product = mug(5);
    product.reserve(5);
    product.release(2);
    expect(product.stock).toBe(2);
  });

  it('is renamed and repriced under a new version, each rule still checked', () => {
    const product = mug();
    product.edit({ name: 'Big mug', unitPrice: 1500 });
    expect(product.snapshot()).toMatchObject({ name: 'Big mug', unitPrice: 1500, stock: 10, version: 2 });
    product.edit({ unitPrice: 1600 });
    expect(product.snapshot()).toMatchObject({ name: 'Big mug', unitPrice: 1600, version: 3 });
    expect(brokenRule(() => product.edit({ name: '' }))).toBe('NameMustBeOneTo200Characters');
    expect(brokenRule(() => product.edit({ unitPrice: -1 }))).toBe('UnitPriceMustBeWholeMinorUnits');
    expect(product.version).toBe(3);
  });

  it('is withdrawn once and then refuses to be reserved', () => {
    const product = mug();
    const later = new Date('2026-02-01T00:00:00Z');
    expect(product.withdraw(later)).toBe(true);
    expect(product.withdraw(new Date('2026-03-01T00:00:00Z'))).toBe(false);
    expect(product.snapshot()).toMatchObject({ withdrawnAt: later, version: 2 });
    expect(brokenRule(() => product.reserve(1))).toBe('WithdrawnProductsCannotBeReserved');
    product.release(1); // stock of orders placed before can still come back
    expect(product.stock).toBe(11);
  });
});
