import pg from 'pg';
import {
  createModuleDataSource,
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  moduleRoleName,
  OutboxAdmin,
  OutboxRelay,
  provisionModuleDatabases,
  UnitOfWork,
  type EventSchema,
  type EventHandler,
  type EventEnvelope,
  type ModuleConnection,
} from '../../src/index.js';
import { auditModule, EntryAddedV1, ledgerModule, silent, startKernelTestPostgres, TRUNCATE_ALL, waitFor, type EntryAdded } from './messaging.fixture.js';

let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
let connections: Map<string, ModuleConnection>;
let admin: pg.Client;

beforeAll(async () => {
  postgres = await startKernelTestPostgres();
  connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule] });
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await postgres?.stop();
});

function outboxOf(module: { dataSource: ReturnType<typeof createModuleDataSource> }) {
  return new OutboxAdmin(module.dataSource, 'ledger');
}

function open(definition: typeof ledgerModule) {
  const connection = connections.get(definition.module)!;
  const dataSource = createModuleDataSource(definition, connection);
  return { dataSource, connection, uow: new UnitOfWork(dataSource, definition.schema) };
}

describe('provisioning', () => {
  it('gives each module a role that owns its schema and cannot read the others', async () => {
    const ledger = open(ledgerModule);
    await ledger.dataSource.initialize();
    try {
      await expect(ledger.dataSource.query('SELECT count(*) FROM audit.seen')).rejects.toThrow(/permission denied for schema audit/);
      await expect(ledger.dataSource.query('SELECT count(*) FROM ledger.entries')).resolves.toEqual([{ count: '0' }]);
    } finally {
      await ledger.dataSource.destroy();
    }
  });

  it('keeps each module migrations table in its own schema and is idempotent', async () => {
    await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule] });
    const { rows } = await admin.query(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'migrations' ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_schema)).toEqual(['audit', 'ledger']);
    const { rows: applied } = await admin.query('SELECT name FROM ledger.migrations');
    expect(applied).toEqual([{ name: 'CreateLedger1700000000000' }, { name: 'AddSubscriberDeliveries1700000000002' }]);
  });

  it('hands a schema owned by the module role of before (not scoped per database) to the scoped role, tables included', async () => {
    const archive = { ...auditModule, module: 'archive', schema: 'archive', role: 'test_archive', migrations: [] };
    await admin.query('CREATE ROLE test_archive LOGIN');
    await admin.query('CREATE SCHEMA archive AUTHORIZATION test_archive');
    await admin.query('SET ROLE test_archive; CREATE TABLE archive.kept (id int); INSERT INTO archive.kept VALUES (1); RESET ROLE');
    const connection = (await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [archive] })).get('archive')!;
    const { rows } = await admin.query(
      `SELECT (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'archive') AS schema_owner,
              (SELECT tableowner FROM pg_tables WHERE schemaname = 'archive' AND tablename = 'kept') AS table_owner`,
    );
    expect(rows).toEqual([{ schema_owner: 'test_archive_postgres', table_owner: 'test_archive_postgres' }]);
    const client = new pg.Client(connection.url);
    await client.connect();
    try {
      expect((await client.query('SELECT id FROM archive.kept')).rows).toEqual([{ id: 1 }]);
    } finally {
      await client.end();
    }
  });
});

describe('unit of work', () => {
  it('runs at READ COMMITTED without asking for it each time, whatever the server default', async () => {
    // The unit of work sends no SET TRANSACTION for READ COMMITTED (a round trip saved per
    // transaction); the module connection pins the level, so a stricter server default cannot leak in.
    await admin.query(`ALTER ROLE ${moduleRoleName(ledgerModule, 'postgres')} SET default_transaction_isolation = 'serializable'`);
    const ledger = open(ledgerModule);
    await ledger.dataSource.initialize();
    try {
      const level = (isolation?: 'SERIALIZABLE') =>
        ledger.uow.transaction(async (tx) => (await tx.manager.query('SHOW transaction_isolation'))[0].transaction_isolation, { isolation });
      expect(await level()).toBe('read committed');
      expect(await level('SERIALIZABLE')).toBe('serializable');
    } finally {
      await ledger.dataSource.destroy();
      await admin.query(`ALTER ROLE ${moduleRoleName(ledgerModule, 'postgres')} RESET default_transaction_isolation`);
    }
  });
});

describe('pools', () => {
  it("commits the relay's statements without waiting for the WAL flush, and nothing else", async () => {
    // The relay pool's bookkeeping may be lost in a crash (ADR 0003: a delivery repeats, the inbox
    // absorbs it); the requests' and handlers' transactions - the effects - must not be.
    const connection = connections.get('ledger')!;
    const setting = async (purpose: 'requests' | 'handlers' | 'relay') => {
      const dataSource = createModuleDataSource(ledgerModule, connection, purpose);
      await dataSource.initialize();
      try {
        const [row] = await dataSource.query(`SELECT current_setting('synchronous_commit') AS value, current_setting('application_name') AS name`);
        return [row.name, row.value];
      } finally {
        await dataSource.destroy();
      }
    };
    // This throwaway server commits asynchronously everywhere (fsync off): the module's role asks for
    // the durable default, as a production server has it.
    await admin.query(`ALTER ROLE ${moduleRoleName(ledgerModule, 'postgres')} SET synchronous_commit = on`);
    try {
      expect(await setting('requests')).toEqual(['orderly-ledger', 'on']);
      expect(await setting('handlers')).toEqual(['orderly-ledger-events', 'on']);
      expect(await setting('relay')).toEqual(['orderly-ledger-delivery', 'off']);
    } finally {
      await admin.query(`ALTER ROLE ${moduleRoleName(ledgerModule, 'postgres')} RESET synchronous_commit`);
    }
  });
});

describe('outbox, relay and inbox', () => {
  let publisher: ReturnType<typeof open>;
  let subscriber: ReturnType<typeof open>;

  beforeAll(async () => {
    publisher = open(ledgerModule);
    subscriber = open(auditModule);
    await publisher.dataSource.initialize();
    await subscriber.dataSource.initialize();
  });
  afterAll(async () => {
    await publisher.dataSource.destroy();
    await subscriber.dataSource.destroy();
  });
  beforeEach(async () => {
    await admin.query(TRUNCATE_ALL);
  });

  class Auditor implements EventHandler<EntryAdded> {
    readonly name = 'audit.RecordEntry';
    calls = 0;
    failuresLeft = 0;
    readonly handle = async (event: EventEnvelope<EntryAdded>) => {
      this.calls++;
      await subscriber.uow.transactionOnce(event, this.name, async (tx) => {
        if (this.failuresLeft > 0) {
          this.failuresLeft--;
          throw new Error('audit store unavailable');
        }
        await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
      });
    };
  }

  function relayFor(transport: InProcessEventTransport, options: Partial<typeof DEFAULT_RELAY_OPTIONS> = {}) {
    return new OutboxRelay(publisher.dataSource, 'ledger', publisher.connection.url, transport, { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 1, ...options }, silent);
  }

  async function addEntry(note: string, aggregateId = 'book-1') {
    await publisher.uow.transaction(async (tx) => {
      await tx.manager.query('INSERT INTO ledger.entries (note) VALUES ($1)', [note]);
      tx.outbox.add(EntryAddedV1, { aggregateId, payload: { note } });
    });
  }

  it('writes the event in the same transaction as the state change, or not at all', async () => {
    await expect(
      publisher.uow.transaction(async (tx) => {
        await tx.manager.query('INSERT INTO ledger.entries (note) VALUES ($1)', ['doomed']);
        tx.outbox.add(EntryAddedV1, { aggregateId: 'book-1', payload: { note: 'doomed' } });
        throw new Error('business said no');
      }),
    ).rejects.toThrow('business said no');
    const { rows } = await admin.query('SELECT (SELECT count(*) FROM ledger.entries) AS entries, (SELECT count(*) FROM ledger.outbox) AS events');
    expect(rows[0]).toEqual({ entries: '0', events: '0' });
  });

  it('refuses to publish a payload that breaks its schema', async () => {
    await expect(
      publisher.uow.transaction(async (tx) => {
        tx.outbox.add(EntryAddedV1, { aggregateId: 'book-1', payload: { note: '' } });
      }),
    ).rejects.toThrow('ledger.EntryAdded v1 payload is invalid: note must be a non-empty string');
  });

  it('delivers each event to the handler exactly once, even when redelivered', async () => {
    const transport = new InProcessEventTransport();
    const auditor = new Auditor();
    transport.subscribe(EntryAddedV1, auditor);
    await addEntry('one');
    await addEntry('two');
    const relay = relayFor(transport);
    expect(await relay.drain()).toBe(2);
    const [event] = (await admin.query('SELECT id, type, version, aggregate_id AS "aggregateId", payload FROM ledger.outbox ORDER BY seq LIMIT 1')).rows;
    await auditor.handle({ ...event, occurredAt: new Date().toISOString(), correlationId: 'c', causationId: null });
    const { rows } = await admin.query(`SELECT count(*)::int AS seen FROM audit.seen`);
    expect(rows[0].seen).toBe(2);
    const statuses = (await outboxOf(publisher).list(['delivered'])).map(({ status, attempts }) => ({ status, attempts }));
    expect(statuses).toEqual([{ status: 'delivered', attempts: 1 }, { status: 'delivered', attempts: 1 }]);
  });

  it('retries a failing handler with backoff and dead-letters after maxAttempts', async () => {
    const transport = new InProcessEventTransport();
    const auditor = new Auditor();
    auditor.failuresLeft = 2;
    transport.subscribe(EntryAddedV1, auditor);
    await addEntry('flaky');
    const relay = relayFor(transport, { maxAttempts: 3, backoffBaseMs: 1 });
    for (let i = 0; i < 3; i++) {
      await relay.deliverDueBatch();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await outboxOf(publisher).list(['delivered'])).toMatchObject([{ status: 'delivered', attempts: 3, lastError: null }]);

    auditor.failuresLeft = 100;
    await addEntry('broken');
    for (let i = 0; i < 5; i++) {
      await relay.deliverDueBatch();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await outboxOf(publisher).list(['dead'])).toMatchObject([
      { status: 'dead', attempts: 3, lastError: 'audit.RecordEntry: audit store unavailable', payload: { note: 'broken' } },
    ]);
  });

  it('tells its observer about each committed delivery, and only about those', async () => {
    const transport = new InProcessEventTransport();
    const auditor = new Auditor();
    transport.subscribe(EntryAddedV1, auditor);
    const seen: { id: string; outbox: string; subscriber: string; deliveredAt: Date }[] = [];
    const observer = {
      delivered: (event: EventEnvelope, d: { outbox: string; subscriber: string; deliveredAt: Date }) => seen.push({ id: event.id, ...d }),
    };
    const relay = new OutboxRelay(publisher.dataSource, 'ledger', publisher.connection.url, transport, { ...DEFAULT_RELAY_OPTIONS, backoffBaseMs: 60_000 }, silent, observer);
    await addEntry('observed');
    auditor.failuresLeft = 1;
    await addEntry('fails once', 'book-2');
    await relay.deliverDueBatch();
    const [delivered] = await outboxOf(publisher).list(['delivered']);
    expect(seen).toEqual([{ id: delivered!.id, outbox: 'ledger', subscriber: 'audit.RecordEntry', deliveredAt: expect.any(Date) }]);
  });

  it('reports its backlog: pending events and the age of the oldest', async () => {
    const relay = relayFor(new InProcessEventTransport());
    expect(await relay.backlog()).toEqual({ pending: 0, oldestPendingAgeMs: 0 });
    await addEntry('waiting');
    await addEntry('waiting too', 'book-2');
    await admin.query(`UPDATE ledger.outbox SET occurred_at = now() - interval '5 minutes' WHERE payload->>'note' = 'waiting'`);
    const backlog = await relay.backlog();
    expect(backlog.pending).toBe(2);
    expect(backlog.oldestPendingAgeMs).toBeGreaterThanOrEqual(300_000);
    expect(backlog.oldestPendingAgeMs).toBeLessThan(360_000);
  });

  it('dead-letters at once an event whose version no subscriber understands', async () => {
    const transport = new InProcessEventTransport();
    transport.subscribe(EntryAddedV1, new Auditor());
    const EntryAddedV2: EventSchema<EntryAdded> = { ...EntryAddedV1, version: 2 };
    await publisher.uow.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV2, { aggregateId: 'book-1', payload: { note: 'from the future' } });
    });
    await relayFor(transport).deliverDueBatch();
    expect(await outboxOf(publisher).list(['dead'])).toMatchObject([
      { status: 'dead', attempts: 1, lastError: 'audit.RecordEntry understands ledger.EntryAdded v1, not v2' },
    ]);
    expect((await admin.query('SELECT count(*)::int AS n FROM audit.seen')).rows[0].n).toBe(0);
  });

  it('sleeps while the outbox is empty instead of polling it in a loop', async () => {
    class CountingRelay extends OutboxRelay {
      batches = 0;
      override async fanOut(): Promise<string[]> {
        this.batches++;
        return super.fanOut();
      }
    }
    const relay = new CountingRelay(publisher.dataSource, 'ledger', publisher.connection.url, new InProcessEventTransport(), { ...DEFAULT_RELAY_OPTIONS, idlePollMs: 60_000 }, silent);
    await relay.start();
    try {
      // Its first look at the empty outbox (however long a loaded machine takes to get there)...
      const deadline = Date.now() + 30_000;
      while (relay.batches === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(relay.batches).toBeGreaterThanOrEqual(1);
      // ...then asleep until NOTIFY or the 60 s poll. A NOTIFY an earlier test's commits owed
      // (sent up to 50 ms late, later still on a loaded machine) may wake it once more; a polling
      // loop would look hundreds of times.
      await new Promise((r) => setTimeout(r, 500));
      expect(relay.batches).toBeLessThanOrEqual(3);
    } finally {
      await relay.stop();
    }
  });

  it('does not ask when the next delivery is due after each event, when it scheduled no retry', async () => {
    // The relay's statements, counted by kind: its DataSource with a counting query().
    const counts = { claims: 0, nextDue: 0 };
    const counting = new Proxy(publisher.dataSource, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return (sql: string, parameters?: unknown[]) => {
          if (/^WITH claimed AS/.test(sql)) counts.claims++;
          if (/min\(next_attempt_at\)/.test(sql)) counts.nextDue++;
          return target.query(sql, parameters);
        };
      },
    });
    const transport = new InProcessEventTransport();
    const auditor = new Auditor();
    transport.subscribe(EntryAddedV1, auditor);
    // Woken by the publisher's own commits (its signal), as in the app.
    const relay = new OutboxRelay(counting, 'ledger', publisher.connection.url, transport, { ...DEFAULT_RELAY_OPTIONS, idlePollMs: 60_000 }, silent, undefined, publisher.uow.signal);
    await relay.start();
    try {
      for (let i = 1; i <= 5; i++) {
        await addEntry(`one at a time ${i}`, `book-idle-${i}`);
        // Until the event is settled: its lane has completed the batch and falls idle.
        await waitFor(`event ${i} settled`, async () => (await admin.query(`SELECT count(*)::int AS n FROM ledger.outbox WHERE aggregate_id = $1 AND status = 'delivered'`, [`book-idle-${i}`])).rows[0].n > 0);
        expect(auditor.calls).toBe(i);
      }
    } finally {
      await relay.stop();
    }
    // Once, when its lane first fell idle (a retry of an earlier run might be due); not at every
    // idle moment (once per event here). Each event needs its claim, and the claim after its
    // completion (for later events of its aggregate); a claim in between would find nothing.
    expect(counts.nextDue).toBeLessThanOrEqual(2);
    // Two per event (10), with room for a wake-up that lands during a claim; three each (15) before.
    expect(counts.claims).toBeLessThanOrEqual(12);
  });

  it('delivers when woken by NOTIFY, long before its 60 s poll', async () => {
    const transport = new InProcessEventTransport();
    const auditor = new Auditor();
    transport.subscribe(EntryAddedV1, auditor);
    const relay = relayFor(transport, { idlePollMs: 60_000 });
    await relay.start();
    try {
      await addEntry('fast');
      // Far below the 60 s poll: only NOTIFY can have woken it (speed is measured by npm run bench).
      const deadline = Date.now() + 30_000;
      while (auditor.calls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(auditor.calls).toBe(1);
    } finally {
      await relay.stop();
    }
  });
});
