// Several relays, each its own process, on one outbox, with handlers that sometimes outlast the
// lease: leases lapse mid-batch and other relays take rows over. Every effect must still happen
// exactly once per subscriber, each subscriber - and the module of all three ('audit', their
// consumer) across them - must see each aggregate's events in order, and no relay may complete a
// delivery whose lease it lost (checked on a log of every claim and
// completion written by a trigger).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { provisionModuleDatabases, type ModuleConnection } from '../../src/index.js';
import { auditModule, ledgerModule, startKernelTestPostgres, waitFor } from './messaging.fixture.js';

const SUBSCRIBERS = ['audit.First', 'audit.Second', 'audit.Third'];
const AGGREGATES = 12;
const EVENTS_PER_AGGREGATE = 10;
const LEASE_MS = 400;
const TOTAL = AGGREGATES * EVENTS_PER_AGGREGATE;

let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
let connections: Map<string, ModuleConnection>;
let admin: pg.Client;

beforeAll(async () => {
  postgres = await startKernelTestPostgres();
  connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule] });
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
  await admin.query(`CREATE TABLE audit.effects (n bigserial PRIMARY KEY, subscriber text NOT NULL, event_id uuid NOT NULL, aggregate_id text NOT NULL, note text NOT NULL)`);
  await admin.query(`GRANT INSERT ON audit.effects TO test_audit_postgres; GRANT USAGE ON SEQUENCE audit.effects_n_seq TO test_audit_postgres`);
  // Every claim (a new owner) and every completion (a final or retry status), in the order they committed.
  await admin.query(`CREATE TABLE ledger.lease_log (n bigserial PRIMARY KEY, event_seq bigint, subscriber text, kind text, owner uuid)`);
  await admin.query(`
    CREATE FUNCTION ledger.log_lease() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
    BEGIN
      IF NEW.lease_owner IS NOT NULL AND NEW.lease_owner IS DISTINCT FROM OLD.lease_owner THEN
        INSERT INTO ledger.lease_log (event_seq, subscriber, kind, owner) VALUES (NEW.event_seq, NEW.subscriber, 'claim', NEW.lease_owner);
      ELSIF OLD.lease_owner IS NOT NULL AND NEW.lease_owner IS NULL THEN
        INSERT INTO ledger.lease_log (event_seq, subscriber, kind, owner) VALUES (NEW.event_seq, NEW.subscriber, 'complete', OLD.lease_owner);
      END IF;
      RETURN NEW;
    END $$`);
  await admin.query(`CREATE TRIGGER log_lease BEFORE UPDATE ON ledger.outbox_delivery FOR EACH ROW EXECUTE FUNCTION ledger.log_lease()`);
});

afterAll(async () => {
  await admin?.end();
  await postgres?.stop();
});

interface Worker {
  readonly process: ChildProcess;
  lostLeases: number;
  stderr: string;
}

async function startWorker(env: Record<string, string> = {}): Promise<Worker> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const child = spawn(process.execPath, ['--import', `${here}support/register-ts.mjs`, `${here}support/relay-worker.ts`], {
    env: {
      ...process.env,
      LEDGER_URL: connections.get('ledger')!.url,
      AUDIT_URL: connections.get('audit')!.url,
      LEASE_MS: String(LEASE_MS),
      SLOW_SHARE: '0.08',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: Worker = { process: child, lostLeases: 0, stderr: '' };
  child.stderr!.on('data', (chunk) => (worker.stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`relay worker exited with ${code}: ${worker.stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; lostLeases?: number };
      if (message.ready) resolve();
      if (message.lostLeases) worker.lostLeases += message.lostLeases;
    });
  });
  await ready;
  return worker;
}

async function stopWorker(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.process.once('exit', resolve));
  worker.process.kill('SIGTERM');
  await exited;
}

async function publishInterleaved(): Promise<void> {
  // Interleaved aggregates, each event its own transaction, as publishers would write them.
  for (let i = 0; i < EVENTS_PER_AGGREGATE; i++) {
    await admin.query(
      `INSERT INTO ledger.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at)
       SELECT gen_random_uuid(), 'ledger.EntryAdded', 1, 'agg-' || a, 'c', jsonb_build_object('note', 'agg-' || a || '-' || $1::int), now()
         FROM generate_series(1, $2::int) a`,
      [i, AGGREGATES],
    );
  }
}

async function everyEventDelivered(): Promise<boolean> {
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ledger.outbox WHERE status = 'delivered'`);
  return rows[0].n === TOTAL;
}

it.each([2, 3])('%i relays in separate processes: every effect once, per-aggregate order, no completion by a lost lease', async (relays) => {
  await admin.query('TRUNCATE ledger.outbox, ledger.outbox_delivery, ledger.lease_log, audit.inbox, audit.effects');
  const workers = await Promise.all(Array.from({ length: relays }, () => startWorker()));
  try {
    await publishInterleaved();
    await waitFor('every event delivered to every subscriber', everyEventDelivered);
  } finally {
    await Promise.all(workers.map(stopWorker));
  }

  // Exactly once per subscriber and event.
  const { rows: effects } = await admin.query(`SELECT subscriber, count(*)::int AS n, count(DISTINCT event_id)::int AS events FROM audit.effects GROUP BY subscriber ORDER BY subscriber`);
  expect(effects).toEqual(SUBSCRIBERS.map((subscriber) => ({ subscriber, n: TOTAL, events: TOTAL })));

  // Each subscriber saw each aggregate's events in the order they were published.
  const { rows: seen } = await admin.query(
    `SELECT e.subscriber, e.aggregate_id, array_agg(o.seq ORDER BY e.n) AS seen_order
       FROM audit.effects e JOIN ledger.outbox o ON o.id = e.event_id GROUP BY e.subscriber, e.aggregate_id`,
  );
  expect(seen).toHaveLength(SUBSCRIBERS.length * AGGREGATES);
  for (const row of seen) {
    const order = (row.seen_order as string[]).map(Number);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }
  // The three subscribers are one module's: no effect of an event before every effect of the one before it.
  const { rows: seenByModule } = await admin.query(
    `SELECT e.aggregate_id, array_agg(o.seq ORDER BY e.n) AS seen_order
       FROM audit.effects e JOIN ledger.outbox o ON o.id = e.event_id GROUP BY e.aggregate_id`,
  );
  expect(seenByModule).toHaveLength(AGGREGATES);
  for (const row of seenByModule) {
    const order = (row.seen_order as string[]).map(Number);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }

  // Leases did lapse mid-batch and were taken over...
  expect(workers.reduce((sum, w) => sum + w.lostLeases, 0)).toBeGreaterThan(0);
  const { rows: takeovers } = await admin.query(
    `SELECT count(*)::int AS n FROM (SELECT event_seq, subscriber FROM ledger.lease_log WHERE kind = 'claim' GROUP BY 1, 2 HAVING count(*) > 1) t`,
  );
  expect(takeovers[0].n).toBeGreaterThan(0);
  // ...and every completion was made by the owner of the latest claim before it: a relay that
  // lost its lease completed nothing.
  const { rows: fencingViolations } = await admin.query(`
    SELECT c.event_seq, c.subscriber FROM ledger.lease_log c
     WHERE c.kind = 'complete'
       AND c.owner IS DISTINCT FROM (SELECT l.owner FROM ledger.lease_log l
                                      WHERE l.kind = 'claim' AND l.event_seq = c.event_seq AND l.subscriber = c.subscriber AND l.n < c.n
                                      ORDER BY l.n DESC LIMIT 1)`);
  expect(fencingViolations).toEqual([]);
  const { rows: deliveries } = await admin.query(`SELECT status, count(*)::int AS n FROM ledger.outbox_delivery GROUP BY status`);
  expect(deliveries).toEqual([{ status: 'delivered', n: TOTAL * SUBSCRIBERS.length }]);
}, 240_000);

it('a relay frozen with handler transactions open stalls nobody: PostgreSQL ends its sessions, another relay delivers every event once', async () => {
  await admin.query('TRUNCATE ledger.outbox, ledger.outbox_delivery, ledger.lease_log, audit.inbox, audit.effects');
  // Every handler of this relay keeps its transaction open longer than the lease, so whenever it
  // is frozen it holds row locks (its uncommitted inbox rows) that a relay taking over must wait on.
  const idle = { IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000' };
  const frozen = await startWorker({ ...idle, SLOW_SHARE: '1' });
  let rescuer: Worker | undefined;
  try {
    await publishInterleaved();
    await waitFor('the relay to hold handler transactions open', async () => {
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'test_audit_postgres' AND state = 'idle in transaction'`);
      return rows[0].n > 0;
    });
    frozen.process.kill('SIGSTOP'); // as a paused VM or container would be: no crash, no closed socket
    rescuer = await startWorker(idle);
    await waitFor('every event delivered to every subscriber by the other relay', everyEventDelivered);
  } finally {
    frozen.process.kill('SIGCONT');
    await Promise.all([frozen, ...(rescuer ? [rescuer] : [])].map(stopWorker));
  }
  const { rows: effects } = await admin.query(`SELECT subscriber, count(*)::int AS n, count(DISTINCT event_id)::int AS events FROM audit.effects GROUP BY subscriber ORDER BY subscriber`);
  expect(effects).toEqual(SUBSCRIBERS.map((subscriber) => ({ subscriber, n: TOTAL, events: TOTAL })));
  const { rows: deliveries } = await admin.query(`SELECT status, count(*)::int AS n FROM ledger.outbox_delivery GROUP BY status`);
  expect(deliveries).toEqual([{ status: 'delivered', n: TOTAL * SUBSCRIBERS.length }]);
}, 240_000);
