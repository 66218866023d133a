// Real email through a real SMTP server, an SMTP outage (retries, then delivery once it is back),
// and the operator's view of it: `npm run events` lists the waiting event with its error, and
// replays a dead-lettered one once the cause is fixed.
import { eventually, startTestSmtpServer, type TestSmtpServer } from '@orderly/testing';
import { moduleDatabases } from '../../src/database/module-databases.js';
import { moduleOutboxes, runEventsCommand } from '@orderly/host';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(async () => smtp?.stop());

async function withApp(env: Record<string, string>, test: (sut: OrderlyUnderTest, events: (...args: string[]) => Promise<{ code: number; out: string }>) => Promise<void>) {
  const sut = await startOrderlyForTest({ SMTP_URL: smtp.url, ...env });
  const sql = { query: async (text: string, values?: unknown[]) => (await sut.db.query(text, values)).rows };
  const outboxes = moduleOutboxes(moduleDatabases, () => sql);
  const events = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runEventsCommand(args, outboxes, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    return { code, out: lines.join('\n') };
  };
  try {
    await test(sut, events);
  } finally {
    await sut.stop();
  }
}

async function placeOrder(sut: OrderlyUnderTest, customerEmail: string): Promise<string> {
  const productId = await sut.createProduct(10);
  const order = await http(sut.url, 'POST', '/orders', { customerEmail, items: [{ productId, quantity: 1 }] }, sut.customer(customerEmail));
  expect(order.status).toBe(201);
  return order.body.id;
}

const emailsTo = (address: string) => smtp.received.filter((e) => e.to.includes(address));

it('keeps retrying through an SMTP outage and sends the confirmation once the server is back', async () => {
  await withApp({}, async (sut, events) => {
    await smtp.stop();
    const orderId = await placeOrder(sut, 'outage@example.com');

    const listed = await eventually(async () => {
      const { out } = await events('list', '--module', 'orders');
      return /attempts=[2-9]/.test(out) ? out : undefined;
    });
    expect(listed).toMatch(/orders\.OrderPlaced v1 .* pending attempts=\d+/);
    expect(listed).toMatch(/last error: notifications\.SendOrderConfirmation: .*ECONNREFUSED/);
    expect((await http(sut.url, 'GET', `/notifications?orderId=${orderId}`, undefined, sut.staff)).body.items).toEqual([]);

    await smtp.start();
    const sent = await eventually(async () => {
      const res = await http(sut.url, 'GET', `/notifications?orderId=${orderId}`, undefined, sut.staff);
      return res.body.items.length > 0 ? res.body.items : undefined;
    }, { timeoutMs: 20_000 });
    expect(sent).toHaveLength(1);
    expect(emailsTo('outage@example.com')).toHaveLength(1);
    await eventually(async () => ((await events('list')).out === 'No pending or dead events.' ? true : undefined));
  });
});

it('dead-letters the confirmation when SMTP keeps refusing, and an operator replays it after the fix', async () => {
  await withApp({ RELAY_MAX_ATTEMPTS: '2' }, async (sut, events) => {
    smtp.refuse();
    const orderId = await placeOrder(sut, 'refused@example.com');
    const dead = await eventually(async () => {
      const { out } = await events('list', '--status', 'dead', '--json');
      const entries = JSON.parse(out) as { id: string; module: string; lastError: string }[];
      return entries.length > 0 ? entries : undefined;
    });
    expect(dead).toEqual([expect.objectContaining({ module: 'orders', aggregateId: orderId, attempts: 2, status: 'dead' })]);
    expect(dead[0]!.lastError).toMatch(/SendOrderConfirmation: .*451/);

    smtp.recover();
    const replay = await events('replay', 'orders', dead[0]!.id);
    expect(replay).toEqual({ code: 0, out: expect.stringContaining(`Replaying: orders ${dead[0]!.id} orders.OrderPlaced v1`) });
    await eventually(async () => {
      const delivered = JSON.parse((await events('list', '--status', 'delivered', '--json')).out) as { id: string }[];
      return delivered.some((e) => e.id === dead[0]!.id) ? true : undefined;
    });
    expect((await http(sut.url, 'GET', `/notifications?orderId=${orderId}`, undefined, sut.staff)).body.items).toHaveLength(1);
    expect(emailsTo('refused@example.com')).toHaveLength(1);

    expect(await events('replay', 'orders', dead[0]!.id)).toEqual({ code: 1, out: expect.stringMatching(/it is delivered; only dead or discarded/) });
    expect(await events('discard', 'billing', dead[0]!.id)).toEqual({ code: 2, out: expect.stringMatching(/Unknown module "billing"; one of: products, orders, notifications/) });
  });
});
