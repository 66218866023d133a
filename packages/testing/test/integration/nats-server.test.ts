import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { brokerAvailable, startTestNatsServer } from '@orderly/testing';

const describeWithBroker = brokerAvailable() ? describe : describe.skip;

describeWithBroker('startTestNatsServer', () => {
  it('starts a real JetStream server whose store survives a SIGKILL and a restart', async () => {
    const server = await startTestNatsServer();
    try {
      let nc = await connect({ servers: server.url });
      await jetstreamManager(nc).then((jsm) => jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] }));
      const ack = await jetstream(nc).publish('harness.one', 'kept', { msgID: 'm-1' });
      expect(ack.duplicate).toBe(false);
      await nc.close();

      await server.kill();
      await server.restart();
      nc = await connect({ servers: server.url });
      const info = await (await jetstreamManager(nc)).streams.info('HARNESS');
      expect(info.state.messages).toBe(1);
      const again = await jetstream(nc).publish('harness.one', 'kept', { msgID: 'm-1' });
      expect(again.duplicate).toBe(true);
      await nc.close();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
