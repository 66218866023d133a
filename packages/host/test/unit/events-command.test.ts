// The `npm run events` command line over hand-written fake outboxes (no database).
import { OutboxEntryInWrongState, type OutboxEntry, type OutboxStatus } from '@orderly/kernel';
import { moduleOutboxes, runEventsCommand, type OutboxOperations } from '../../src/operations/events-command.js';

const entry = (over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  id: '11111111-1111-4111-8111-111111111111', seq: 1, type: 'orders.OrderPlaced', version: 1, aggregateId: 'order-1',
  correlationId: 'c', status: 'dead', attempts: 20, lastError: 'notifications.SendOrderConfirmation: 451 try later',
  occurredAt: '2026-01-01T00:00:00.000Z', nextAttemptAt: '2026-01-01T00:10:00.000Z', payload: {}, deliveries: [], ...over,
});

const fannedOut = entry({
  id: '33333333-3333-4333-8333-333333333333', status: 'dead', attempts: 20,
  lastError: 'notifications.SendOrderConfirmation: 451 try later',
  deliveries: [
    { subscriber: 'notifications.SendOrderConfirmation', status: 'dead', attempts: 20, lastError: 'notifications.SendOrderConfirmation: 451 try later', nextAttemptAt: '2026-01-01T00:10:00.000Z', deliveredAt: null },
    { subscriber: 'orders.ProjectOrderSummary', status: 'delivered', attempts: 1, lastError: null, nextAttemptAt: '2026-01-01T00:00:00.000Z', deliveredAt: '2026-01-01T00:00:00.010Z' },
  ],
});

class FakeOutbox implements OutboxOperations {
  entries: OutboxEntry[] = [];
  calls: unknown[][] = [];
  async list(statuses: readonly OutboxStatus[] = ['pending', 'dead'], _limit?: number, subscriber?: string) {
    if (subscriber) return this.entries.filter((e) => e.deliveries.some((d) => d.subscriber === subscriber && statuses.includes(d.status)));
    return this.entries.filter((e) => statuses.includes(e.status));
  }
  async subscriberStats() {
    return [{ subscriber: 'notifications.SendOrderConfirmation', pending: 0, dead: 1, oldestPendingAgeMs: 0 }];
  }
  async stats() {
    return { pending: this.entries.filter((e) => e.status === 'pending').length, dead: this.entries.filter((e) => e.status === 'dead').length, oldestPendingAgeMs: 0 };
  }
  async replay(id: string, subscriber?: string) {
    this.calls.push(['replay', id, subscriber]);
    const found = this.entries.find((e) => e.id === id)!;
    if (found.status !== 'dead') throw new OutboxEntryInWrongState(id, found.status, 'replay', ['dead', 'discarded']);
    return { ...found, status: 'pending' as const, attempts: 0 };
  }
  async replayAllDead(subscriber?: string) {
    this.calls.push(['replayAllDead', subscriber]);
    return this.entries.filter((e) => e.status === 'dead').length;
  }
  async discard(id: string) {
    return { ...this.entries.find((e) => e.id === id)!, status: 'discarded' as const };
  }
}

let orders: FakeOutbox;

async function run(...args: string[]) {
  orders = new FakeOutbox();
  orders.entries = [entry(), entry({ id: '22222222-2222-4222-8222-222222222222', status: 'delivered', lastError: null })];
  const outboxes = new Map<string, OutboxOperations>([['orders', orders], ['products', new FakeOutbox()]]);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEventsCommand(args, outboxes, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('lists pending and dead events of every module with their last error', async () => {
  expect(await run('list')).toEqual({
    code: 0,
    out: 'orders 11111111-1111-4111-8111-111111111111 orders.OrderPlaced v1 aggregate=order-1 dead attempts=20 occurred=2026-01-01T00:00:00.000Z\n' +
      '    last error: notifications.SendOrderConfirmation: 451 try later',
    err: '',
  });
  expect((await run('list', '--module', 'products')).out).toBe('No pending or dead events.');
  expect(JSON.parse((await run('list', '--status=all', '--json')).out)).toHaveLength(2);
});

it('replays one event or every dead one, and reports a refusal with exit code 1', async () => {
  expect((await run('replay', 'orders', '11111111-1111-4111-8111-111111111111')).out).toMatch(/^Replaying: orders 1111.* pending attempts=0/);
  expect(await run('replay', 'orders', '--all-dead')).toMatchObject({ code: 0, out: 'Replaying 1 dead-lettered event(s) of orders.' });
  expect(await run('replay', 'orders', '22222222-2222-4222-8222-222222222222')).toEqual({
    code: 1, out: '', err: 'Cannot replay event 22222222-2222-4222-8222-222222222222: it is delivered; only dead or discarded events can be.',
  });
});

it('shows each subscriber of a fanned-out event, and replays or lists one subscriber only', async () => {
  const subscriberRun = async (...args: string[]) => {
    orders = new FakeOutbox();
    orders.entries = [fannedOut];
    const out: string[] = [];
    const code = await runEventsCommand(args, new Map([['orders', orders]]), { out: (l) => out.push(l), err: () => undefined });
    return { code, out: out.join('\n'), calls: orders.calls };
  };
  expect((await subscriberRun('list')).out).toBe(
    'orders 33333333-3333-4333-8333-333333333333 orders.OrderPlaced v1 aggregate=order-1 dead attempts=20 occurred=2026-01-01T00:00:00.000Z\n' +
      '    to notifications.SendOrderConfirmation: dead attempts=20\n' +
      '        last error: notifications.SendOrderConfirmation: 451 try later\n' +
      '    to orders.ProjectOrderSummary: delivered attempts=1',
  );
  expect((await subscriberRun('list', '--subscriber', 'orders.ProjectOrderSummary')).out).toBe('No pending or dead events.');
  expect((await subscriberRun('stats')).out).toBe(
    'orders: 0 pending, 1 dead, oldest pending 0 ms old\n    to notifications.SendOrderConfirmation: 0 pending, 1 dead, oldest pending 0 ms old',
  );
  expect((await subscriberRun('replay', 'orders', fannedOut.id, '--subscriber', 'notifications.SendOrderConfirmation')).calls).toEqual([
    ['replay', fannedOut.id, 'notifications.SendOrderConfirmation'],
  ]);
  const all = await subscriberRun('replay', 'orders', '--all-dead', '--subscriber=notifications.SendOrderConfirmation');
  expect(all).toMatchObject({ out: 'Replaying 1 dead-lettered event(s) of orders to notifications.SendOrderConfirmation.', calls: [['replayAllDead', 'notifications.SendOrderConfirmation']] });
});

it.each([
  [['nonsense'], /Unknown command "nonsense"/],
  [[], /No command given/],
  [['list', '--status', 'stuck'], /--status must be one of pending, dead, delivered, discarded, all/],
  [['list', '--limit', '0'], /--limit must be an integer from 1 to 10000/],
  [['list', '--verbose'], /Unknown option --verbose/],
  [['replay', 'orders'], /replay needs <module> <event-id>/],
  [['discard', 'billing', 'x'], /Unknown module "billing"; one of: orders, products/],
])('refuses %j with usage and exit code 2', async (args, message) => {
  const result = await run(...(args as string[]));
  expect(result.code).toBe(2);
  expect(result.err).toMatch(message);
  expect(result.err).toContain('Usage: npm run events -- <command>');
});

describe('moduleOutboxes', () => {
  it('names each outbox by module and reads it in the module\'s schema, which may differ from its name', async () => {
    const queries: string[] = [];
    const sql = { query: async (text: string) => (queries.push(text), [{ pending: 0, dead: 0, age: 0 }]) };
    const outboxes = moduleOutboxes([{ module: 'gift-cards', schema: 'gift_cards', role: 'orderly_gift_cards', entities: [], migrations: [] }], () => sql);
    expect([...outboxes.keys()]).toEqual(['gift-cards']);
    await outboxes.get('gift-cards')!.stats();
    expect(queries.join('\n')).toContain('"gift_cards".outbox');
  });
});
