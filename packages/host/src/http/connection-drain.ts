import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

interface ConnectionState {
  active: number;
  served: number;
}

/** A connection that has not sent a request this long after shutdown began is closed. */
const FIRST_REQUEST_GRACE_MS = 2_000;

/**
 * Lets the HTTP server stop without failing a request a client has already sent.
 *
 * Node's server.close() also closes every connection without an active request - including
 * ones whose request bytes have arrived but not been parsed yet because the event loop is busy
 * (the very requests in flight at a SIGTERM under load). So on drain(): keep accepting for
 * SHUTDOWN_DRAIN_DELAY_MS (connections still on their way), then stop listening; answer
 * each request in flight with `Connection: close`; close keep-alive connections that sit idle
 * after a response at once; give connections that never sent a request a short grace period.
 * Resolves when the last connection is gone.
 */
export class ConnectionDrain {
  private readonly connections = new Map<Socket, ConnectionState>();
  private draining = false;

  /**
   * @param acceptForMs how long connections are still accepted after drain() begins (requests
   *   already on their way, a load balancer that has not yet seen /health/ready turn 503).
   */
  constructor(
    private readonly server: Server,
    private readonly acceptForMs: number,
  ) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { active: 0, served: 0 });
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const state = this.connections.get(req.socket);
      if (!state) return;
      state.active++;
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        state.active--;
        state.served++;
        if (this.draining && state.active === 0) req.socket.end();
      });
    });
  }

  /** Starts draining: see the class comment. Safe to call more than once. */
  drain(): Promise<void> {
    if (this.draining) return Promise.resolve();
    this.draining = true;
    return new Promise((resolve) => setTimeout(resolve, this.acceptForMs)).then(() => this.closeListener());
  }

  private closeListener(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      // net.Server#close: stop accepting, keep the open connections (see above).
      NetServer.prototype.close.call(this.server, () => resolve());
      for (const [socket, state] of this.connections) {
        if (state.active === 0 && state.served > 0) socket.end();
      }
      setTimeout(() => {
        for (const [socket, state] of this.connections) if (state.active === 0) socket.destroy();
      }, FIRST_REQUEST_GRACE_MS).unref();
    });
  }
}
