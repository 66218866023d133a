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
import { StockReservations } from '../../src/internal/application/stock-reservations.js';
import { ReservationSweeper } from '../../src/internal/application/reservation-sweeper.js';

let postgres: TestPostgres;
let dataSource: DataSource;
let uow: TypeOrmProductsUnitOfWork;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [productsDatabase] });
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

  it('saves a catalog edit and a withdrawal with the version check, and keeps stock moves apart from them', async () => {
    const product = make('ENTRY');
    await uow.transaction((s) => s.products.add(product));
    product.edit({ name: 'Renamed', unitPrice: 5 });
    product.withdraw(new Date('2026-06-01T00:00:00.000Z'));
    await uow.transaction((s) => s.products.saveEntry(product, 1));
    const loaded = await uow.transaction((s) => s.products.get(product.id));
    expect(loaded?.snapshot()).toMatchObject({ name: 'Renamed', unitPrice: 5, stock: 7, version: 3, withdrawnAt: new Date('2026-06-01T00:00:00.000Z') });
    await expect(uow.transaction((s) => s.products.saveEntry(product, 1))).rejects.toThrow(/changed concurrently/);
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

  it('catches a lost update at READ COMMITTED by the version check itself, and the retry applies both changes', async () => {
    // cosmicpython/code PR #115: a version check must not depend on the isolation level. Here the
    // first attempt reads without a lock, another transaction commits in between, and the
    // conditional UPDATE ... WHERE version = expected finds nothing to update.
    const product = make('LOST-UPDATE');
    await uow.transaction((s) => s.products.add(product));
    let attempts = 0;
    await uow.transaction(async (s) => {
      attempts++;
      const mine = (await s.products.get(product.id))!;
      const expectedVersion = mine.version;
      if (attempts === 1) {
        await uow.transaction(async (other) => {
          const [theirs] = await other.products.getManyForUpdate([product.id]);
          const theirVersion = theirs!.version;
          theirs!.restock(5);
          await other.products.save(theirs!, theirVersion);
        });
      }
      mine.restock(1);
      await s.products.save(mine, expectedVersion);
    });
    expect(attempts).toBe(2);
    const stored = await uow.transaction((s) => s.products.get(product.id));
    expect(stored?.stock).toBe(7 + 5 + 1);
    expect(stored?.version).toBe(3);
  });

  it('announces each expired reservation once when several sweepers run at the same time', async () => {
    const product = Product.create({ id: crypto.randomUUID(), sku: 'SWEPT', name: 'n', unitPrice: 1, stock: 100, now: new Date() });
    await uow.transaction((s) => s.products.add(product));
    const past = { now: () => new Date(Date.now() - 60_000) };
    const reservations = new StockReservations(uow, past, { reservationTtlMs: 1_000 });
    const orderIds = Array.from({ length: 30 }, () => crypto.randomUUID());
    for (const orderId of orderIds) await reservations.reserve(orderId, [{ productId: product.id, quantity: 1 }]);

    const clock = { now: () => new Date() };
    const sweepers = [1, 2, 3].map(() => new ReservationSweeper(uow, clock, { reservationTtlMs: 60_000, batchSize: 7 }));
    const counts = await Promise.all(sweepers.map((sweeper) => sweeper.sweep()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    const rows: { order_id: string }[] = await dataSource.query(
      `SELECT payload->>'orderId' AS order_id FROM products.outbox WHERE type = 'products.StockReservationExpired'`,
    );
    expect(rows.map((r) => r.order_id).sort()).toEqual([...orderIds].sort());
    expect((await dataSource.query(`SELECT stock FROM products.products WHERE id = $1`, [product.id]))[0].stock).toBe(70);
  });
});
