import pg from 'pg';
import { eventually, freePort, startTestPostgres } from '@orderly/testing';

describe('eventually', () => {
  it('returns the first defined value of the probe', async () => {
    let calls = 0;
    await expect(eventually(async () => (++calls >= 3 ? calls : undefined), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('throws the probe’s last error when time runs out', async () => {
    await expect(
      eventually(async () => {
        throw new Error('still missing: notification');
      }, { timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow('still missing: notification');
  });
});

describe('freePort', () => {
  it('gives a usable port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});

describe('startTestPostgres', () => {
  it('starts a real, empty PostgreSQL and removes it again', async () => {
    const postgres = await startTestPostgres();
    const client = new pg.Client(postgres.adminUrl);
    try {
      await client.connect();
      const { rows } = await client.query('SELECT current_setting($1) AS fsync, version() AS version', ['fsync']);
      expect(rows[0].fsync).toBe('off');
      expect(rows[0].version).toMatch(/^PostgreSQL 18/);
    } finally {
      await client.end();
      await postgres.stop();
    }
  });
});
