import { ConfigError, loadConfig } from '../../src/config.js';

describe('reservation and idempotency configuration', () => {
  it('defaults to a 10 s sweep and 24 h idempotency keys', () => {
    expect(loadConfig({})).toMatchObject({ reservationTtlMs: 300_000, reservationSweepIntervalMs: 10_000, idempotencyKeyTtlMs: 86_400_000 });
  });

  it('reads the variables', () => {
    const config = loadConfig({ RESERVATION_SWEEP_INTERVAL_MS: '250', IDEMPOTENCY_KEY_TTL_MS: '172800000' });
    expect(config).toMatchObject({ reservationSweepIntervalMs: 250, idempotencyKeyTtlMs: 172_800_000 });
  });

  it('names a bad value and what it accepts', () => {
    expect(() => loadConfig({ RESERVATION_SWEEP_INTERVAL_MS: '0', IDEMPOTENCY_KEY_TTL_MS: 'a day' })).toThrow(ConfigError);
    expect(() => loadConfig({ RESERVATION_SWEEP_INTERVAL_MS: '0' })).toThrow(/RESERVATION_SWEEP_INTERVAL_MS="0" must be an integer from 100 to 3600000/);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_MS: 'a day' })).toThrow(/IDEMPOTENCY_KEY_TTL_MS="a day" must be an integer/);
  });
});

describe('database configuration', () => {
  const secret = 's'.repeat(32);

  it('uses the embedded PostgreSQL when no database URL is set, needing no secret', () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: null, databaseAdminUrl: null, databaseRoleSecret: null });
  });

  it('reads DATABASE_URL (no credentials), DATABASE_ADMIN_URL and DATABASE_ROLE_SECRET', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db.example.com:5432/orderly',
      DATABASE_ADMIN_URL: 'postgres://admin:pw@db.example.com:5432/orderly',
      DATABASE_ROLE_SECRET: secret,
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://db.example.com:5432/orderly',
      databaseAdminUrl: 'postgres://admin:pw@db.example.com:5432/orderly',
      databaseRoleSecret: secret,
    });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://db/orderly' }, 'DATABASE_ROLE_SECRET is required with DATABASE_URL: at least 32 characters'],
    [{ DATABASE_ADMIN_URL: 'postgres://admin:pw@db/orderly' }, 'DATABASE_ROLE_SECRET is required with DATABASE_ADMIN_URL'],
    [{ DATABASE_URL: 'postgres://db/orderly', DATABASE_ROLE_SECRET: 'x'.repeat(31) }, 'DATABASE_ROLE_SECRET must have at least 32 characters (it has 31)'],
    [{ DATABASE_URL: 'postgres://admin:pw@db/orderly', DATABASE_ROLE_SECRET: secret }, 'DATABASE_URL must not contain a user or password'],
    [{ DATABASE_URL: 'postgres://db:5432', DATABASE_ROLE_SECRET: secret }, 'DATABASE_URL must name the database'],
    [{ DATABASE_URL: 'mysql://db/orderly', DATABASE_ROLE_SECRET: secret }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ DATABASE_ADMIN_URL: 'postgres://db/orderly', DATABASE_ROLE_SECRET: secret }, 'DATABASE_ADMIN_URL must name the admin user'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
