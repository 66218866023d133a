import { ConfigError, loadConfig, requireAuth } from '../../src/config.js';

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

describe('who issues the access tokens', () => {
  const provider = { AUTH_JWKS_URL: 'https://login.example.com/certs', AUTH_ISSUER: 'https://login.example.com/', AUTH_AUDIENCE: 'orderly' };

  it('uses the development issuer when nothing is configured (the embedded setup)', () => {
    expect(requireAuth(loadConfig({}).auth)).toEqual({ kind: 'development', explicitOptIn: false, clockToleranceSeconds: 30 });
  });

  it('reads the three settings of an identity provider', () => {
    const auth = requireAuth(loadConfig({ DATABASE_URL: 'postgres://db/orderly', DATABASE_ROLE_SECRET: 's'.repeat(32), ...provider, AUTH_CLOCK_TOLERANCE_SECONDS: '5' }).auth);
    expect(auth).toMatchObject({ kind: 'jwks', issuer: 'https://login.example.com/', audience: 'orderly', clockToleranceSeconds: 5 });
    expect(auth.kind === 'jwks' && auth.jwksUrl.href).toBe('https://login.example.com/certs');
  });

  it('refuses a DATABASE_URL without them, saying what to set, unless the development issuer is opted into', () => {
    const withDatabase = loadConfig({ DATABASE_URL: 'postgres://db/orderly', DATABASE_ROLE_SECRET: 's'.repeat(32) });
    expect(() => requireAuth(withDatabase.auth)).toThrow(/set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE .* or AUTH_DEV_ISSUER=true/);
    expect(requireAuth(loadConfig({ DATABASE_URL: 'postgres://db/orderly', DATABASE_ROLE_SECRET: 's'.repeat(32), AUTH_DEV_ISSUER: 'true' }).auth)).toMatchObject({ kind: 'development', explicitOptIn: true });
  });

  it('names what is missing or wrong', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: provider.AUTH_JWKS_URL })).toThrow(/AUTH_ISSUER, AUTH_AUDIENCE must be set too/);
    expect(() => loadConfig({ ...provider, AUTH_JWKS_URL: 'http://login.example.com/certs' })).toThrow(/must be an https:\/\/ URL \(http:\/\/ only on localhost\)/);
    expect(loadConfig({ ...provider, AUTH_JWKS_URL: 'http://127.0.0.1:8080/certs' }).auth.kind).toBe('jwks');
    expect(() => loadConfig({ ...provider, AUTH_DEV_ISSUER: 'true' })).toThrow(/AUTH_DEV_ISSUER=true contradicts AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE/);
  });

  it('limits writes to 100 per 10 s per caller unless told otherwise', () => {
    expect(loadConfig({}).writeRateLimit).toEqual({ limit: 100, windowMs: 10_000 });
    expect(loadConfig({ WRITE_RATE_LIMIT: '5', WRITE_RATE_WINDOW_MS: '1000' }).writeRateLimit).toEqual({ limit: 5, windowMs: 1_000 });
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
