import { Product } from '../../src/internal/domain/product.js';
import { encodeKeysetCursor, InvalidCursor } from '@orderly/kernel';
import { ProductCatalog } from '../../src/internal/application/product-catalog.js';
import { ProductNotFound } from '../../src/internal/application/errors.js';
import { FakeProductsUnitOfWork } from '../fakes/fake-products-unit-of-work.js';

describe('ProductCatalog', () => {
  const store = new FakeProductsUnitOfWork();
  const sameInstant = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < 45; i++) {
    // Many products share a createdAt, so the id must break ties for a stable order.
    const id = `00000000-0000-4000-8000-${String(i * 7919 % 1000).padStart(12, '0')}`;
    const createdAt = i % 3 === 0 ? sameInstant : new Date(sameInstant.getTime() + i);
    store.products.set(id, Product.create({ id, sku: `S${i}`, name: 'n', unitPrice: 1, stock: 1, now: createdAt }).snapshot());
  }
  const catalog = new ProductCatalog(store);

  it('pages through every product exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await catalog.list(10, cursor);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
  });

  it('has no next cursor on the last page', async () => {
    expect((await catalog.list(100)).nextCursor).toBeNull();
  });

  it('continues after the position its cursor names, and refuses forged cursors', async () => {
    const first = await catalog.list(10);
    const last = first.items.at(-1)!;
    const after = await catalog.list(10, encodeKeysetCursor({ at: new Date(last.createdAt), id: last.id }));
    expect(after.items[0]!.id).not.toBe(last.id);
    expect(after.items.map((p) => p.id)).toEqual((await catalog.list(10, first.nextCursor!)).items.map((p) => p.id));
    await expect(catalog.list(10, 'not-a-cursor')).rejects.toBeInstanceOf(InvalidCursor);
    await expect(catalog.list(10, Buffer.from('2026-01-01|drop table').toString('base64url'))).rejects.toBeInstanceOf(InvalidCursor);
  });

  it('reports a missing product as not found', async () => {
    await expect(catalog.get('00000000-0000-4000-8000-999999999999')).rejects.toBeInstanceOf(ProductNotFound);
  });
});
