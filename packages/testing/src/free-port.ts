import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a server the test starts next.
 *
 * Not one the OS picks (port 0): those come from the ephemeral range (Linux
 * net.ipv4.ip_local_port_range, 32768-60999 by default), from which the OS also takes the local
 * port of every outgoing connection. On a busy machine some connection can take such a port in the
 * moment between this answer and the server binding it (seen: an embedded PostgreSQL refused with
 * "another program listens on that port"). A random port below that range is taken only by
 * someone who asks for that very port.
 */
export async function freePort(): Promise<number> {
  const [first, last] = [15_000, ephemeralRangeStart() - 1];
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${first} and ${last} in 100 attempts`);
}

function ephemeralRangeStart(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 20_000 ? start : 32_768;
  } catch {
    return 32_768; // not Linux: below macOS's (49152) and Windows' (49152) ranges too
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
