// What only the JetStream path does, against a real nats-server and a real PostgreSQL (the
// guarantees both transports share are in delivery-guarantees.test.ts): the relay marks an event
// delivered only on the broker's ack and a re-published event is stored once (Nats-Msg-Id = event
// id), and an event version the consumer does not understand is dead-lettered at once.
import type { EventHandler, EventSchema } from '../../src/index.js';
import { jetStream, type DeliveryPath } from './delivery-paths.js';
import type { EventBroker } from '../../src/messaging/event-broker.js';
import { brokerTestsRun, EntryAddedV1, openLedgerAndAudit, TRUNCATE_ALL, until, type EntryAdded } from './messaging.fixture.js';

const describeWithBroker = brokerTestsRun() ? describe : describe.skip;

describeWithBroker('events over NATS JetStream', () => {
  let testbed: Awaited<ReturnType<typeof openLedgerAndAudit>>;
  let path: DeliveryPath & { broker: EventBroker };
  const handled: string[] = [];
  const recorder: EventHandler<EntryAdded> = {
    name: 'audit.RecordEntry',
    handle: async (event) => {
      await testbed.subscriberUow.transactionOnce(event, 'audit.RecordEntry', async (tx) => {
        await tx.manager.query('INSERT INTO audit.seen (event_id, aggregate_id) VALUES ($1, $2)', [event.id, event.aggregateId]);
      });
      handled.push(event.id);
    },
  };

  beforeAll(async () => {
    testbed = await openLedgerAndAudit();
    path = await jetStream.open(testbed);
  }, 120_000);

  afterAll(async () => {
    await path?.close();
    await testbed?.close();
  });

  afterEach(async () => {
    await path.stop();
    handled.length = 0;
    await testbed.admin.query(`${TRUNCATE_ALL}, audit.outbox, audit.outbox_delivery`);
  });

  it('marks an event delivered only on the ack, and stores a re-published event once', async () => {
    await testbed.publisher.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV1, { aggregateId: 'book-1', payload: { note: 'first' } });
    });
    await path.relay();
    const [row] = (await testbed.admin.query(`SELECT id, status FROM ledger.outbox`)).rows;
    expect(row.status).toBe('delivered');
    // The relay died after the ack but before its completion: the event is published a second time.
    await testbed.admin.query(`UPDATE ledger.outbox_delivery SET status = 'pending', next_attempt_at = now()`);
    await testbed.admin.query(`UPDATE ledger.outbox SET status = 'pending'`);
    await path.relay();
    expect((await path.broker.manager.streams.info('ORDERLY_EVENTS')).state.messages).toBe(1);

    await path.start(recorder as EventHandler<unknown>, 4);
    await until(async () => (handled.length === 1 ? true : undefined), 'the event to be handled');
    expect(handled).toEqual([row.id]);
  });

  it('dead-letters at once an event version the handler does not understand, reaching no handler', async () => {
    const EntryAddedV2 = { ...EntryAddedV1, version: 2 } as EventSchema<unknown>;
    await path.start(recorder as EventHandler<unknown>, 4);
    await testbed.publisher.transaction(async (tx) => {
      tx.outbox.add(EntryAddedV2 as EventSchema<EntryAdded>, { aggregateId: 'book-v', payload: { note: 'from the future' } });
    });
    await path.relay();
    const [dead] = await until(async () => {
      const list = await path.deadLetters.list(['dead']);
      return list.length === 1 ? list : undefined;
    }, 'the dead letter');
    expect(dead).toMatchObject({ version: 2, attempts: 1, lastError: path.failure('audit.RecordEntry understands ledger.EntryAdded v1, not v2') });
    expect(handled).toEqual([]);
  });
});
