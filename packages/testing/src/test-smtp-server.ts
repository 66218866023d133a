import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.js';

export interface ReceivedEmail {
  readonly from: string;
  readonly to: readonly string[];
  /** The raw message (headers and body) as the server received it. */
  readonly raw: string;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port> - plain SMTP, no auth, for SMTP_URL. */
  readonly url: string;
  readonly received: readonly ReceivedEmail[];
  /**
   * Answers every message with a temporary failure (451) until `recover()`, like a server in
   * trouble; with `quoteRecipient`, the reply names the recipient, as many real servers' do.
   */
  refuse(options?: { quoteRecipient?: boolean }): void;
  recover(): void;
  /** Stops listening (connections are refused) - an outage; `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A real SMTP server (npm smtp-server) on a free local port that keeps what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const port = await freePort();
  const received: ReceivedEmail[] = [];
  let refusing: false | { quoteRecipient?: boolean } = false;
  let server: SMTPServer | null = null;

  const listen = async () => {
    const instance = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (refusing) {
            const recipient = refusing.quoteRecipient ? ` for <${session.envelope.rcptTo.map((r) => r.address).join(', ')}>` : '';
            const error = Object.assign(new Error(`Mailbox temporarily unavailable${recipient}`), { responseCode: 451 });
            return callback(error);
          }
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      instance.once('error', reject);
      instance.listen(port, '127.0.0.1', () => resolve());
    });
    // A client killed mid-conversation (crash tests) resets its socket: not the server's failure.
    instance.on('error', () => undefined);
    server = instance;
  };
  await listen();

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse: (options = {}) => void (refusing = options),
    recover: () => void (refusing = false),
    async stop() {
      const instance = server;
      server = null;
      if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
    start: listen,
  };
}
