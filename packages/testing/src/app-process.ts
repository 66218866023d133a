import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export interface AppProcess {
  readonly url: string;
  readonly port: number;
  /** The management listener (/metrics, detailed readiness), on a free port of its own. */
  readonly managementUrl: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal (SIGKILL for a crash, SIGTERM for a graceful stop) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface AppProcessOptions {
  /** The built entry point to run, e.g. apps/api/dist/main.js. */
  readonly entry: string;
  readonly env: Record<string, string>;
  /** A path that answers once the app is ready (any HTTP status counts as "up"). */
  readonly readyPath?: string;
  readonly readyTimeoutMs?: number;
  readonly cwd?: string;
}

/**
 * Runs the real app as a child process on a free port, for tests that kill it (crash tests),
 * stop it with a signal (graceful shutdown) or run several instances against one database.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const port = await freePort();
  const managementPort = options.env.MANAGEMENT_PORT ?? String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [options.entry], {
    cwd: options.cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), MANAGEMENT_PORT: managementPort, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) throw new Error(`app exited before it was ready:\n${output}`);
    try {
      await fetch(url + (options.readyPath ?? '/'), { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`app was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    url,
    port,
    managementUrl: `http://127.0.0.1:${managementPort}`,
    pid: child.pid!,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
}
