// Child processes the bench starts: Orderly's production build and the raw baseline.
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The stop of every server started and not yet exited, also of those still starting. */
const running = new Set();

/** Ends every server still running (paused ones included), for a bench that is being stopped. */
export async function stopAllServers() {
  await Promise.all([...running].map((stop) => stop()));
}

/**
 * Starts `node <args>` with its output appended to logFile (as a production log collector
 * would take it) and waits until readyUrl answers 200. Returns the handle and launch-to-ready ms.
 */
export async function startServer({ name, nodeArgs, env, logFile, readyUrl, readyTimeoutMs = 120_000 }) {
  const log = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  let exit = null;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  // A paused server (SIGSTOP) is resumed first, or it could not act on the signal.
  const stop = async (signal = 'SIGTERM') => {
    if (!exit) {
      process.kill(child.pid, 'SIGCONT');
      child.kill(signal);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  running.add(stop);
  void exited.then(() => running.delete(stop));
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit) throw new Error(`${name} exited before it was ready (${JSON.stringify(exit)}); see ${logFile}:\n${tail(logFile)}`);
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${readyTimeoutMs} ms; see ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(25);
  }
  const readyMs = performance.now() - started;
  const alive = () => {
    if (exit) throw new Error(`${name} exited during the run (${JSON.stringify(exit)}); see ${logFile}:\n${tail(logFile)}`);
    return child.pid;
  };
  return {
    name,
    pid: child.pid,
    readyMs,
    /** Peak resident set size so far (VmHWM), in MiB. */
    peakRssMiB: () => statusField(child.pid, 'VmHWM'),
    rssMiB: () => statusField(child.pid, 'VmRSS'),
    /** CPU time (user + system) the process has used so far, in ms: unlike req/s, barely moved by other load. */
    cpuMs: () => cpuMs(child.pid),
    // A server that exited meanwhile is named with its log, not reported as kill's ESRCH.
    pause: () => process.kill(alive(), 'SIGSTOP'),
    resume: () => process.kill(alive(), 'SIGCONT'),
    stop,
  };
}

function statusField(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * CPU time (user + system, ms) used so far by a PostgreSQL cluster: the postmaster, its live
 * processes (backends, checkpointer, WAL writer...) and, through the postmaster's cutime/cstime,
 * the backends that have exited. A difference of two readings is the cluster's CPU in between.
 */
export function clusterCpuMs(dataDir) {
  try {
    const postmaster = Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    const own = statFields(postmaster);
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const fields = statFields(Number(entry));
      if (fields && Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return (ticks * 1000) / 100;
  } catch {
    return null;
  }
}

function statFields(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null;
  }
}
