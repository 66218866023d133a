// Integration: products' TypeORM adapters against real PostgreSQL, with the module's own role.
import { createModuleDataSource, provisionModuleDatabases, UnitOfWork } from '@orderly/kernel';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import type { DataSource } from 'typeorm';
import { Product } from '../../src/internal/domain/product.js';
import { SkuAlreadyExists } from '../../src/internal/application/errors.js';
import { productsDatabase } from '../../src/internal/infrastructure/products-database.js';
import { TypeOrmProductReader } from '../../src/internal/infrastructure/typeorm-product-reader.js';
import { TypeOrmProductsUnitOfWork } from '../../src/internal/infrastructure/typeorm-products-unit-of-work.js';
import { ProductCatalog } from '../../src/internal/application/product-catalog.js';

let postgres: TestPostgres;
let dataSource: DataSource;
let uow: TypeOrmProductsUnitOfWork;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, modules: [productsDatabase] });
  dataSource = createModuleDataSource(productsDatabase, connections.get('products')!);
  await dataSource.initialize();
  uow = new TypeOrmProductsUnitOfWork(new UnitOfWork(dataSource, 'products'));
});
afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

const make = (sku: string, now = new Date()) => Product.create({ id: crypto.randomUUID(), sku, name: 'n', unitPrice: 1_000_000_000, stock: 7, now });

describe('products storage', () => {
  it('round-trips a product, big prices included', async () => {
    const product = make('ROUND-TRIP');
    await uow.transaction((s) => s.products.add(product));
    const loaded = await uow.transaction((s) => s.products.get(product.id));
    expect(loaded?.snapshot()).toEqual(product.snapshot());
  });

  it('maps a duplicate sku to SkuAlreadyExists', async () => {
    await uow.transaction((s) => s.products.add(make('DUP')));
    await expect(uow.transaction((s) => s.products.add(make('DUP')))).rejects.toBeInstanceOf(SkuAlreadyExists);
  });

  it('refuses a save whose expected version is stale', async () => {
    const product = make('STALE');
    await uow.transaction((s) => s.products.add(product));
    product.restock(1);
    await expect(
      uow.transaction(async (s) => {
        await s.products.save(product, 99);
        return 'saved';
      }),
    ).rejects.toThrow(/changed concurrently/);
  });

  it('pages through products in a stable order over real timestamps', async () => {
    const same = new Date('2030-01-01T00:00:00.123Z');
    for (let i = 0; i < 7; i++) await uow.transaction((s) => s.products.add(make(`PAGE-${i}`, same)));
    const catalog = new ProductCatalog(new TypeOrmProductReader(dataSource));
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.list(3, cursor);
      ids.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const { count } = (await dataSource.query('SELECT count(*)::int AS count FROM products.products'))[0];
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
  });
});
