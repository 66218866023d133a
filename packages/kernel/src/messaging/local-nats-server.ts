import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

/** Where a local `nats-server` binary is, if there is one: ORDERLY_NATS, then PATH, then Debian's /usr/sbin. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ORDERLY_NATS !== undefined) return env.ORDERLY_NATS !== '' && isExecutable(env.ORDERLY_NATS) ? env.ORDERLY_NATS : undefined;
  const candidates = [...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats-server')), '/usr/sbin/nats-server'];
  return candidates.find(isExecutable);
}

export const NATS_SERVER_INSTALL_HINT =
  'nats-server (2.9 or later) is not installed. On Debian/Ubuntu: `apt-get install -y nats-server` ' +
  '(binary /usr/sbin/nats-server); elsewhere see https://docs.nats.io/running-a-nats-service/introduction/installation. ' +
  'Set ORDERLY_NATS to its path when it is not on PATH.';

export interface LocalNatsServerOptions {
  /** JetStream's file store; created when missing, reused afterwards (the broker's durability). */
  readonly storeDir: string;
  readonly port: number;
  readonly binary?: string;
  readonly onLog?: (line: string) => void;
}

export interface LocalNatsServer {
  /** nats://127.0.0.1:<port> - for EVENTS_BROKER_URL. */
  readonly url: string;
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  /** SIGTERM (a clean shutdown) or SIGKILL (a crash); resolves when the process is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/**
 * Starts a real `nats-server` with JetStream on 127.0.0.1 (for `npm run broker` and the tests;
 * production runs its own NATS cluster). Resolves once it accepts connections.
 */
export async function startLocalNatsServer(options: LocalNatsServerOptions): Promise<LocalNatsServer> {
  const binary = options.binary ?? findNatsServer();
  if (!binary) throw new Error(NATS_SERVER_INSTALL_HINT);
  const storeDir = resolve(options.storeDir);
  mkdirSync(storeDir, { recursive: true });
  const child: ChildProcess = spawn(binary, ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(options.port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const output: string[] = [];
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 50) output.shift();
      options.onLog?.(line);
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (!(await accepts(options.port))) {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start on port ${options.port}:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${options.port}`,
    pid: child.pid!,
    exited,
    async stop(signal = 'SIGTERM') {
      if (!gone) child.kill(signal);
      await exited;
    },
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
