import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { moduleConnections, moduleRoleName } from '../../src/index.js';
import { scramSha256Verifier } from '../../src/persistence/provisioning.js';

const orders = { module: 'orders', schema: 'orders', role: 'orderly_orders', entities: [], migrations: [] };
const secret = 'x'.repeat(32);

describe('module role names, scoped per database', () => {
  it('appends a plain database name', () => {
    expect(moduleRoleName(orders, 'shop')).toBe('orderly_orders_shop');
    expect(moduleRoleName(orders, 'shop_staging')).toBe('orderly_orders_shop_staging');
  });

  it('keeps databases apart whose names differ only in characters a role name would lose', () => {
    const names = ['Shop', 'shop-eu', 'shop eu', 'shop_eu'].map((database) => moduleRoleName(orders, database));
    expect(new Set(names).size).toBe(4);
    for (const name of names) expect(name).toMatch(/^orderly_orders_[a-z0-9_]+$/);
  });

  it('fits a long database name into PostgreSQL’s 63 bytes, still unique', () => {
    const a = moduleRoleName(orders, 'a'.repeat(60));
    const b = moduleRoleName(orders, `${'a'.repeat(59)}b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('module connections', () => {
  it('connect as the module role of the URL’s database, whatever user the URL had', () => {
    const connection = moduleConnections({ url: 'postgres://someone:pw@db.example.com:6543/shop?sslmode=require', modules: [orders], roleSecret: secret }).get('orders')!;
    const url = new URL(connection.url);
    expect([url.username, url.host, url.pathname, url.search]).toEqual(['orderly_orders_shop', 'db.example.com:6543', '/shop', '?sslmode=require']);
    expect(url.password).not.toBe('pw');
  });

  it('refuse a short secret', () => {
    expect(() => moduleConnections({ url: 'postgres://db/shop', modules: [orders], roleSecret: 'short' })).toThrow('at least 32 characters');
  });
});

describe('SCRAM-SHA-256 verifier', () => {
  it('is what PostgreSQL stores for the password (RFC 7677 keys, PostgreSQL’s format)', () => {
    const salt = Buffer.from('0123456789abcdef');
    const verifier = scramSha256Verifier('pencil', salt, 4096);
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const stored = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
    const server = createHmac('sha256', salted).update('Server Key').digest('base64');
    expect(verifier).toBe(`SCRAM-SHA-256$4096:${salt.toString('base64')}$${stored}:${server}`);
    expect(verifier).not.toContain('pencil');
  });
});
