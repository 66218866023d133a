// Errors stored with events (`last_error`, per subscriber in outbox_delivery since issue 15) and
// logged by the relays are masked too: an SMTP server that quotes the recipient in its refusal
// must put the address neither in the outbox nor in the log. (Its own file: Nest's logger is
// process-wide, so each app under test gets a file to itself.)
import { eventually, startTestSmtpServer, type TestSmtpServer } from '@orderly/testing';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';
import { RawLog } from './raw-log.js';

const ADA = 'Pii.Ada+shop@example.com';

describe('with an SMTP server that names the recipient when it refuses', () => {
  const log = new RawLog();
  let smtp: TestSmtpServer;
  let sut: OrderlyUnderTest;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    sut = await startOrderlyForTest({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json', SMTP_URL: smtp.url }, { logDestination: log });
  });
  afterAll(async () => {
    await sut?.stop();
    await smtp?.stop();
  });

  it('stores the delivery error with the address masked, and logs it masked', async () => {
    smtp.refuse({ quoteRecipient: true });
    const ada = sut.customer(ADA);
    const productId = await sut.createProduct(10);
    const order = await http(sut.url, 'POST', '/orders', { customerEmail: ADA, items: [{ productId, quantity: 1 }] }, ada);
    const lastError = await eventually(async () => {
      const { rows } = await sut.db.query(`SELECT last_error FROM orders.outbox_delivery WHERE aggregate_id = $1 AND last_error IS NOT NULL`, [order.body.id]);
      return rows[0]?.last_error as string | undefined;
    }, { timeoutMs: 30_000 });
    expect(lastError).toContain('Mailbox temporarily unavailable for <P***@example.com>');
    smtp.recover();
    await eventually(async () => (smtp.received.length > 0 ? true : undefined), { timeoutMs: 60_000 });
    expect(log.text).toContain('Mailbox temporarily unavailable for <P***@example.com>');
    expect(log.text.toLowerCase()).not.toContain(ADA.toLowerCase());
    const { rows } = await sut.db.query(
      `SELECT last_error FROM orders.outbox WHERE last_error ILIKE $1 UNION ALL SELECT last_error FROM orders.outbox_delivery WHERE last_error ILIKE $1`,
      [`%${ADA}%`],
    );
    expect(rows).toEqual([]);
  });
});
