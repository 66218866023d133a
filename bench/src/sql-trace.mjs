// Captures the SQL each server really sends for one request, from PostgreSQL's own log
// (log_statement = all), so the baseline can be checked statement by statement against Orderly.
import { sleep } from './processes.mjs';

const PREFIX = 'SQLTRACE|';
// Statements of the event relay, of event handlers and of the periodic jobs (issue 5: the
// reservation sweeper every 10 s, the idempotency-key purge - both `expires_at <= ...`):
// Orderly's background work, which the baseline deliberately does not do and which may land in
// either server's capture window. Everything else a request causes must match.
// Issue 15: the relays' wake-up NOTIFY is sent after the commit, at most once per interval (both
// servers send it the same way), and every statement on outbox_delivery is the relay's.
const BACKGROUND = [/outbox o\b/, /next_attempt_at/, /\.inbox\b/, /^LISTEN /, /UPDATE "orders"\.outbox SET status = 'delivered'/, /\bexpires_at <= /, /^SELECT pg_notify\(\$1, \$2\)$/, /\boutbox_delivery\b/];

export class SqlTrace {
  #lines = null;

  /** Give every PostgreSQL log line to this (startBenchDatabase's onLogLine). */
  onLogLine = (line) => {
    if (this.#lines && line.startsWith(PREFIX)) this.#lines.push(line);
    else if (this.#lines && this.#lines.length > 0 && !/^\d{4}-\d\d-\d\d /.test(line)) this.#lines.push(line);
  };

  /** Runs `request` with statement logging on and returns the statements it caused, as `role: sql`. */
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
    return requestStatements(this.last);
  }
}

function requestStatements(lines) {
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
  return units.filter((u) => !orphan(u) && !u.statements.some((s) => BACKGROUND.some((re) => re.test(s.slice(s.indexOf(': ') + 2))))).flatMap((u) => u.statements);
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
