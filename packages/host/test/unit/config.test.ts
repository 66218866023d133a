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
