// Captures the SQL each server really sends for one request, from PostgreSQL's own log
// (log_statement = all), so the baseline can be checked statement by statement against Orderly.
import { sleep } from './processes.mjs';

const PREFIX = 'SQLTRACE|';
// Orderly's event work (issue 17 mirrors it in the full-work baseline): relay batches and event
// handlers' transactions. They follow a request after it answered.
const EVENT_WORK = [/outbox o\b/, /\.inbox\b/, /UPDATE "orders"\.outbox SET status = 'delivered'/];
// Never compared: the periodic jobs (issue 5: the reservation sweeper every 10 s, the
// idempotency-key purge - both `expires_at <= ...`), LISTEN, a relay's idle poll for the next due
// event, and a relay batch that claimed nothing - Orderly's three relays and the baseline's one
// do these on their own clocks, so they may or may not land in a capture window.
const NOISE = [/\bexpires_at <= /, /^LISTEN /];
const IDLE_POLL = /^SELECT \(EXTRACT\(EPOCH FROM \(min\(next_attempt_at\)/;

export class SqlTrace {
  #lines = null;

  /** Give every PostgreSQL log line to this (startBenchDatabase's onLogLine). */
  onLogLine = (line) => {
    if (this.#lines && line.startsWith(PREFIX)) this.#lines.push(line);
    else if (this.#lines && this.#lines.length > 0 && !/^\d{4}-\d\d-\d\d /.test(line)) this.#lines.push(line);
  };

  /**
   * Runs `request` with statement logging on and returns the statements it caused, as
   * `role: sql`: `request` those of the request's own transactions, `eventWork` those and then
   * the event work that followed (relay batch, handlers) while `request` ran.
   */
  async capture(admin, request) {
    await admin.query(`ALTER SYSTEM SET log_line_prefix = '${PREFIX}%a|%u|%p|'`);
    await admin.query(`ALTER SYSTEM SET log_statement = 'all'`);
    await admin.query('SELECT pg_reload_conf()');
    await sleep(250);
    this.#lines = [];
    try {
      await request();
      await sleep(400); // the log arrives through a pipe
    } finally {
      const lines = this.#lines;
      this.#lines = null;
      await admin.query('ALTER SYSTEM RESET log_statement');
      await admin.query('ALTER SYSTEM RESET log_line_prefix');
      await admin.query('SELECT pg_reload_conf()');
      await sleep(100);
      this.last = lines;
    }
    const units = transactions(this.last);
    return {
      request: units.filter((u) => u.kind === 'request').flatMap((u) => u.statements),
      eventWork: units.filter((u) => u.kind !== 'noise').flatMap((u) => u.statements),
    };
  }
}

function transactions(lines) {
  const entries = [];
  for (const line of lines) {
    if (line.startsWith(PREFIX)) {
      const [, app, user, pid, ...rest] = line.split('|');
      const message = rest.join('|');
      const match = /^LOG:\s+(?:statement|execute [^:]*):\s*(.*)$/.exec(message);
      entries.push(match ? { app, user, pid, sql: match[1] } : { app, user, pid, sql: null });
    } else if (entries.length > 0 && entries.at(-1).sql !== null) {
      entries.at(-1).sql += ` ${line}`;
    }
  }
  // Group each backend's statements into transactions, so a background transaction is dropped whole.
  const units = [];
  const open = new Map();
  for (const e of entries) {
    if (e.sql === null || !e.app.startsWith('orderly-') && !e.app.startsWith('bench-baseline')) continue;
    const sql = e.sql.replace(/\s+/g, ' ').trim();
    let unit = open.get(e.pid);
    if (!unit) {
      unit = { statements: [] };
      units.push(unit);
      if (/^(START TRANSACTION|BEGIN)/i.test(sql)) {
        unit.open = true;
        open.set(e.pid, unit);
      }
    }
    unit.statements.push(`${e.user}: ${sql}`);
    if (/^(COMMIT|ROLLBACK)/i.test(sql)) {
      unit.open = false;
      open.delete(e.pid);
    }
  }
  // A request's transactions end before its response; a background one may straddle the capture.
  const orphan = (u) => u.open || u.statements.every((s) => /: (COMMIT|ROLLBACK)$/.test(s));
  const sqlOf = (s) => s.slice(s.indexOf(': ') + 2);
  const any = (u, patterns) => u.statements.some((s) => patterns.some((re) => re.test(sqlOf(s))));
  // A claim that found nothing; or only the tail of a relay batch that began before the capture.
  const emptyClaim = (u) => (u.statements.length === 3 || (u.statements.length === 1 && !u.open)) && u.statements.some((s) => /outbox o\b/.test(sqlOf(s)));
  for (const u of units) {
    if (orphan(u) || any(u, NOISE) || (u.statements.length === 1 && IDLE_POLL.test(sqlOf(u.statements[0]))) || emptyClaim(u)) u.kind = 'noise';
    else u.kind = any(u, EVENT_WORK) ? 'event-work' : 'request';
  }
  return units;
}

/** Differences between two statement lists, as readable lines (empty when identical). */
export function compareStatements(orderly, baseline) {
  const differences = [];
  const n = Math.max(orderly.length, baseline.length);
  for (let i = 0; i < n; i++) {
    if (orderly[i] !== baseline[i]) differences.push(`#${i + 1}\n  orderly:  ${orderly[i] ?? '(none)'}\n  baseline: ${baseline[i] ?? '(none)'}`);
  }
  return differences;
}
