import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

  it('does not blame an earlier error when the latest probes only found nothing yet', async () => {
    let calls = 0;
    await expect(
      eventually(async () => {
        if (++calls === 1) throw new Error('a first answer that was an error');
        return undefined;
      }, { timeoutMs: 50, intervalMs: 5 }),
    ).rejects.toThrow('probe never returned a value');
  });
});

describe('freePort', () => {
  it('gives a port below the range the OS hands out by itself (to outgoing connections too), on which a server can listen', async () => {
    const port = await freePort();
    const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    expect(port).toBeGreaterThanOrEqual(15_000);
    expect(port).toBeLessThan(ephemeralStart);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
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

  it('gives every test file a cluster of its own, though all are copies of one template', async () => {
    const [first, second] = await Promise.all([startTestPostgres(), startTestPostgres()]);
    const [a, b] = [new pg.Client(first.adminUrl), new pg.Client(second.adminUrl)];
    try {
      await Promise.all([a.connect(), b.connect()]);
      await a.query('CREATE TABLE only_in_the_first (id int)');
      const seen = async (client: pg.Client) => (await client.query(`SELECT to_regclass('public.only_in_the_first') AS t`)).rows[0].t;
      expect([await seen(a), await seen(b)]).toEqual(['only_in_the_first', null]);
      // Separate data directories, not one shared under two ports.
      const dataDirectory = async (client: pg.Client) => (await client.query('SHOW data_directory')).rows[0].data_directory;
      expect(await dataDirectory(a)).not.toBe(await dataDirectory(b));
      expect(await dataDirectory(a)).not.toContain('orderly-embedded-postgres');
    } finally {
      await Promise.all([a.end(), b.end()]);
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
