// Contract test on a real database (so it is in the integration tier): only the package's public
// entry, wired like production (a Nest module on PostgreSQL), exercised the way apps/api and
// orders use it - through STOCK_RESERVATIONS and the handler declarations.
import { Test } from '@nestjs/testing';
import { MessagingModule, provisionModuleDatabases } from '@orderly/kernel';
import {
  CONFIRM_STOCK_RESERVATION,
  ProductsModule,
  RELEASE_ABANDONED_RESERVATION,
  STOCK_RESERVATIONS,
  productsDatabase,
  type StockReservationOutcome,
  type StockReservationService,
} from '@orderly/products';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';

let postgres: TestPostgres;
let app: INestApplicationContext;
let admin: pg.Client;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [productsDatabase] });
  const moduleRef = await Test.createTestingModule({
    imports: [MessagingModule.forRoot({ subscriptions: [] }), ProductsModule.forRoot({ connection: connections.get('products')! })],
  }).compile();
  app = await moduleRef.init();
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await app?.close();
  await postgres?.stop();
});

const reservations = (): StockReservationService => app.get<StockReservationService>(STOCK_RESERVATIONS);

async function stockOf(id: string): Promise<number> {
  return (await admin.query('SELECT stock FROM products.products WHERE id = $1', [id])).rows[0].stock;
}

async function product(stock: number): Promise<string> {
  const id = crypto.randomUUID();
  await admin.query(
    `INSERT INTO products.products (id, sku, name, unit_price, stock, version, created_at) VALUES ($1, $2, 'p', 250, $3, 1, now())`,
    [id, `SKU-${id.slice(0, 8)}`, stock],
  );
  return id;
}

describe('@orderly/products public API', () => {
  it('provides what apps/api binds and subscribes under the tokens its contracts declare, and the schema it provisions', () => {
    expect(productsDatabase).toMatchObject({ module: 'products', schema: 'products', role: 'orderly_products' });
    expect(typeof reservations().reserve).toBe('function');
    expect(app.get(CONFIRM_STOCK_RESERVATION.token, { strict: false }).name).toBe('products.ConfirmStockReservation');
    expect(app.get(RELEASE_ABANDONED_RESERVATION.token, { strict: false }).name).toBe('products.ReleaseAbandonedReservation');
    expect(CONFIRM_STOCK_RESERVATION.listensTo).toEqual({ type: 'orders.OrderPlaced', version: 1 });
    expect(RELEASE_ABANDONED_RESERVATION.listensTo).toEqual({ type: 'orders.OrderAbandoned', version: 1 });
  });

  it('reserves all lines or none, priced, and never oversells under concurrency', async () => {
    const id = await product(5);
    const outcomes: StockReservationOutcome[] = await Promise.all(
      Array.from({ length: 12 }, () => reservations().reserve(crypto.randomUUID(), [{ productId: id, quantity: 1 }])),
    );
    expect(outcomes.filter((o) => o.status === 'reserved')).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 'insufficient-stock')).toHaveLength(7);
    expect(await stockOf(id)).toBe(0);
  });

  it('does not deadlock on overlapping multi-line reservations in opposite order', async () => {
    const [a, b] = [await product(100), await product(100)];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        reservations().reserve(crypto.randomUUID(), i % 2 ? [{ productId: a, quantity: 1 }, { productId: b, quantity: 1 }] : [{ productId: b, quantity: 1 }, { productId: a, quantity: 1 }]),
      ),
    );
    expect(outcomes.every((o) => o.status === 'reserved')).toBe(true);
    const { rows } = await admin.query('SELECT stock FROM products.products WHERE id = ANY($1) ORDER BY stock', [[a, b]]);
    expect(rows).toEqual([{ stock: 80 }, { stock: 80 }]);
  });

  it('releases an order and gives the stock back exactly once', async () => {
    const id = await product(3);
    const orderId = crypto.randomUUID();
    await reservations().reserve(orderId, [{ productId: id, quantity: 3 }]);
    await Promise.all([reservations().release(orderId), reservations().release(orderId), reservations().release(orderId)]);
    expect(await stockOf(id)).toBe(3);
  });
});
