// Captures the SQL each server really sends for one request, from PostgreSQL's own log
// (log_statement = all), so the baseline can be checked statement by statement against Orderly.
import { sleep } from './processes.mjs';

const PREFIX = 'SQLTRACE|';
// Orderly's event work (issue 17 mirrors it in the full-work baseline): event handlers'
// transactions (inbox), and a relay batch's completion and its events' settlement (one each per
// batch). They follow a request after it answered; the relay runs one lane per subscriber at the
// same time, so they are compared as a multiset of transactions, each statement by statement.
const EVENT_WORK = [/\.inbox\b/, /^WITH completed AS \(/, /^WITH summary AS \(/];
// Relay statements sent once or more per event, as often as wake-ups and polls happen to come:
// the fan-out and each lane's claim (one that finds nothing looks the same in the log as one that
// finds the event). Each must appear in both servers' event work; how often is not compared. Those
// on other modules' outboxes are those relays' idle polls (Orderly runs one relay per module): noise.
const POLLED = [/pg_try_advisory_xact_lock/, /^WITH claimed AS \(/];
const ORDERS_OUTBOX = /"orders"\.outbox/;
// Never compared: the periodic jobs (issue 5: the reservation sweeper every 10 s, the
// idempotency-key purge - both `expires_at <= ...`; issue 15: the retention sweep of the messaging
// tables and its settling of stragglers, every minute), LISTEN, a relay's idle poll for the next
// due delivery and its probe for subscribers with work (at most once a second) - Orderly's three
// relays and the baseline's one do these on their own clocks, so they may or may not land in a
// capture window.
const NOISE = [/\bexpires_at <= /, /^LISTEN /, /\bprocessed_at < now\(\)/, /\bo\.delivered_at < now\(\)/, /^SELECT o\.seq FROM "\w+"\.outbox o WHERE o\.status = 'pending' AND o\.fanned_out/, /^SELECT s\.subscriber FROM unnest/];
const IDLE_POLL = /^SELECT \(EXTRACT\(EPOCH FROM \(min\(next_attempt_at\)/;
// A wake-up of other processes' relays (OutboxSignal, and the baselines' copy of it): at most one
// NOTIFY per 50 ms, later commits coalesced into one at the end of the interval. How many land in a
// capture depends on how the commits fall into those intervals (a loaded machine spreads them over
// more), so each role's wake-up is compared once, where it first appears.
const WAKE_UP = /: SELECT pg_notify\(/;

export class SqlTrace {
  #lines = null;

  /** Give every PostgreSQL log line to this (startBenchDatabase's onLogLine). */
  onLogLine = (line) => {
    if (this.#lines && line.startsWith(PREFIX)) this.#lines.push(line);
    else if (this.#lines && this.#lines.length > 0 && !/^\d{4}-\d\d-\d\d /.test(line)) this.#lines.push(line);
  };

  /**
   * Runs `request` with statement logging on and returns the statements it caused, as
   * `role: sql`: `request` those of the request's own transactions (in order), `eventWork` those
   * and then the event work that followed while `request` ran: its transactions sorted (they run
   * concurrently, one lane per subscriber), then each polled relay statement once, sorted.
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
    const requestStatements = firstWakeUps(units.filter((u) => u.kind === 'request').flatMap((u) => u.statements));
    const work = units.filter((u) => u.kind === 'event-work').map((u) => u.statements.join('\n')).sort();
    const polled = [...new Set(units.filter((u) => u.kind === 'polled').flatMap((u) => u.statements))].sort();
    return { request: requestStatements, eventWork: [...requestStatements, ...work.flatMap((t) => t.split('\n')), ...polled] };
  }
}

/** The statements with every wake-up after a role's first one left out. */
function firstWakeUps(statements) {
  const seen = new Set();
  return statements.filter((s) => {
    if (!WAKE_UP.test(s)) return true;
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
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
  for (const u of units) {
    if (orphan(u) || any(u, NOISE) || (u.statements.length === 1 && IDLE_POLL.test(sqlOf(u.statements[0])))) u.kind = 'noise';
    else if (any(u, POLLED)) u.kind = any(u, [ORDERS_OUTBOX]) ? 'polled' : 'noise';
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
