// Rule 6, against a real PostgreSQL provisioned exactly as the app provisions it: migrateDatabase
// is what `npm run db:migrate` runs (with DATABASE_ADMIN_URL here; the embedded default's start
// provisions the same way after starting its server). Each module connects as its
// own role, whose rights cover its own schema only. Raw SQL from orders' connection into
// products' tables is refused by the database itself, and a module's migrations run as that
// same role, so a migration cannot reach outside its schema either. The controls show that
// each role can use its own schema, so the refusals below are the rule, not a broken setup.
import { moduleRoleName, provisionModuleDatabases, type ModuleConnection } from '@orderly/kernel';
import { ordersDatabase } from '@orderly/orders';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { loadConfig } from '@orderly/host';
import { moduleDatabases } from '../../src/database/module-databases.js';
import { connectForOperations, migrateDatabase } from '../../src/database/prepare-database.js';

let postgres: TestPostgres;
let connections: ReadonlyMap<string, ModuleConnection>;
const clients: pg.Client[] = [];

async function connectAs(module: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: connections.get(module)!.url });
  await client.connect();
  clients.push(client);
  return client;
}

async function refusal(sql: string, client: pg.Client): Promise<string> {
  try {
    await client.query(sql);
    return 'no error: the statement succeeded';
  } catch (error) {
    return (error as Error).message;
  }
}

beforeAll(async () => {
  postgres = await startTestPostgres();
  await migrateDatabase(loadConfig({ DATABASE_ADMIN_URL: postgres.adminUrl, DATABASE_ROLE_SECRET: postgres.roleSecret }));
  ({ connections } = await connectForOperations(loadConfig({ DATABASE_URL: postgres.url, DATABASE_ROLE_SECRET: postgres.roleSecret })));
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  await postgres?.stop();
});

describe("rule 6: a module's role has rights on its own schema only", () => {
  it('each module connects as its own role and can use its own tables (control)', async () => {
    // Every module the app provisions, a new one included (npm run new-module adds it).
    expect([...connections].map(([module, connection]) => [module, new URL(connection.url).username])).toEqual(
      moduleDatabases.map((d) => [d.module, moduleRoleName(d, 'postgres')]),
    );
    expect(moduleDatabases.map((d) => moduleRoleName(d, 'postgres'))).toEqual(expect.arrayContaining(['orderly_products_postgres', 'orderly_orders_postgres']));
    const orders = await connectAs('orders');
    const products = await connectAs('products');
    expect((await orders.query('SELECT current_user AS role, count(*)::int AS n FROM orders.orders')).rows).toEqual([{ role: 'orderly_orders_postgres', n: 0 }]);
    expect((await products.query('SELECT current_user AS role, count(*)::int AS n FROM products.products')).rows).toEqual([
      { role: 'orderly_products_postgres', n: expect.any(Number) },
    ]);
  });

  it("refuses orders' connection reading products' tables with raw SQL", async () => {
    const orders = await connectAs('orders');
    expect(await refusal('SELECT * FROM products.products', orders)).toBe('permission denied for schema products');
  });

  it("refuses orders' connection writing products' tables with raw SQL", async () => {
    const orders = await connectAs('orders');
    expect(await refusal("INSERT INTO products.stock_reservations (order_id) VALUES ('x')", orders)).toBe('permission denied for schema products');
    expect(await refusal('DELETE FROM products.products', orders)).toBe('permission denied for schema products');
  });

  it("refuses products' and notifications' connections reading orders' tables", async () => {
    expect(await refusal('SELECT * FROM orders.orders', await connectAs('products'))).toBe('permission denied for schema orders');
    expect(await refusal('SELECT * FROM orders.orders', await connectAs('notifications'))).toBe('permission denied for schema orders');
  });

  it('refuses a module role creating schemas or roles', async () => {
    const orders = await connectAs('orders');
    expect(await refusal('CREATE SCHEMA planted', orders)).toMatch(/^permission denied for database /);
    expect(await refusal('CREATE ROLE planted', orders)).toMatch(/^permission denied to create role/);
  });
});

describe("rule 6: a module's migrations run as its own role", () => {
  class PlantedCrossSchemaMigration1900000000000 implements MigrationInterface {
    name = 'PlantedCrossSchemaMigration1900000000000';
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query('CREATE TABLE products.planted_by_orders (id int)');
    }
    async down(): Promise<void> {}
  }

  it("fails a planted orders migration that creates a table in products' schema, and leaves nothing behind", async () => {
    const planted = { ...ordersDatabase, migrations: [...ordersDatabase.migrations, PlantedCrossSchemaMigration1900000000000] };
    await expect(provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [planted] })).rejects.toThrow('permission denied for schema products');

    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    clients.push(admin);
    expect((await admin.query("SELECT to_regclass('products.planted_by_orders') AS table")).rows).toEqual([{ table: null }]);
    expect((await admin.query('SELECT name FROM orders.migrations ORDER BY id')).rows.map((row) => row.name)).toEqual(
      ordersDatabase.migrations.map((migration) => migration.name),
    );
  });
});
