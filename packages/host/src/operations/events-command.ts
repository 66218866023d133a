import { ApplicationError, type ModuleDatabaseDefinition, OutboxAdmin, type OutboxEntry, type OutboxStatus, type SqlRunner } from '@orderly/kernel';

export const EVENTS_USAGE = `Usage: npm run events -- <command>

  list [--module <name>] [--subscriber <name>] [--status pending|dead|delivered|discarded|all] [--limit <n>] [--json]
        events waiting for delivery or dead-lettered (default: pending and dead), with each
        subscriber's status and last error; --subscriber: events whose delivery to it has that status
  stats [--json]                      per module and subscriber: pending, dead, age of the oldest pending event
  replay <module> <event-id> [--subscriber <name>]
        put a dead (or discarded) event back in line with fresh attempts: its dead or discarded
        deliveries to every subscriber, or to the one named
  replay <module> --all-dead [--subscriber <name>]
        the same for every dead-lettered delivery of the module (to one subscriber)
  discard <module> <event-id> [--subscriber <name>]
        give up on a pending or dead event (or its delivery to one subscriber) for good; it stays listed as discarded

Modules: the publishing module whose outbox holds the event (see "list"). Subscribers: the
handler names shown by "list" and "stats" (e.g. notifications.SendOrderConfirmation).
The notifications service on a database of its own: npm run events:notifications -- <command>,
with the service's DATABASE_URL and DATABASE_ROLE_SECRET (its dead letters are in that outbox).`;

const STATUSES: readonly OutboxStatus[] = ['pending', 'dead', 'delivered', 'discarded'];

export interface EventsCommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** What the command needs of each module's outbox (the kernel's OutboxAdmin). */
export type OutboxOperations = Pick<OutboxAdmin, 'list' | 'stats' | 'subscriberStats' | 'replay' | 'replayAllDead' | 'discard'>;

/**
 * Each module's outbox by module name (what the command's <module> arguments say), each read in the
 * module's schema (which may differ: module gift-cards, schema gift_cards), through `sqlOf(module)`.
 */
export function moduleOutboxes(modules: readonly ModuleDatabaseDefinition[], sqlOf: (module: ModuleDatabaseDefinition) => SqlRunner): Map<string, OutboxAdmin> {
  return new Map(modules.map((m) => [m.module, new OutboxAdmin(sqlOf(m), m.schema)] as const));
}

/**
 * The operator's view of every module's outbox (`npm run events`). Returns the exit code: 0 done,
 * 1 the operation was refused (unknown event, wrong state), 2 the command line was wrong.
 */
export async function runEventsCommand(args: readonly string[], outboxes: ReadonlyMap<string, OutboxOperations>, io: EventsCommandIo): Promise<number> {
  const { positional, flags, problems } = parseArgs(args);
  const [command, ...rest] = positional;
  const json = flags.has('json');
  const subscriber = flags.get('subscriber');
  const usage = (problem: string) => {
    io.err(`${problem}\n\n${EVENTS_USAGE}`);
    return 2;
  };
  if (problems.length > 0) return usage(problems.join('\n'));
  const outboxOf = (module: string | undefined): OutboxOperations | string => {
    const found = module ? outboxes.get(module) : undefined;
    return found ?? `Unknown module "${module ?? ''}"; one of: ${[...outboxes.keys()].join(', ')}`;
  };

  try {
    switch (command) {
      case 'list': {
        const module = flags.get('module');
        const selected = module ? outboxOf(module) : null;
        if (typeof selected === 'string') return usage(selected);
        const statusFlag = flags.get('status');
        const statuses = !statusFlag ? (['pending', 'dead'] as const) : statusFlag === 'all' ? STATUSES : [statusFlag as OutboxStatus];
        if (!statuses.every((s) => STATUSES.includes(s))) return usage(`--status must be one of ${STATUSES.join(', ')}, all`);
        const limit = Number(flags.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return usage('--limit must be an integer from 1 to 10000');
        const targets = selected ? [[module!, selected] as const] : [...outboxes.entries()];
        const listed: (OutboxEntry & { module: string })[] = [];
        for (const [name, outbox] of targets) {
          for (const entry of await outbox.list(statuses, limit, subscriber)) listed.push({ module: name, ...entry });
        }
        if (json) io.out(JSON.stringify(listed, null, 2));
        else if (listed.length === 0) io.out(`No ${statuses.join(' or ')} events.`);
        else for (const entry of listed) io.out(describe(entry));
        return 0;
      }
      case 'stats': {
        const stats: Record<string, Awaited<ReturnType<OutboxAdmin['stats']>> & { subscribers: Awaited<ReturnType<OutboxAdmin['subscriberStats']>> }> = {};
        for (const [name, outbox] of outboxes) stats[name] = { ...(await outbox.stats()), subscribers: await outbox.subscriberStats() };
        if (json) io.out(JSON.stringify(stats, null, 2));
        else for (const [name, s] of Object.entries(stats)) {
          io.out(`${name}: ${s.pending} pending, ${s.dead} dead, oldest pending ${s.oldestPendingAgeMs} ms old`);
          for (const sub of s.subscribers) {
            io.out(`    to ${sub.subscriber}: ${sub.pending} pending, ${sub.dead} dead, oldest pending ${sub.oldestPendingAgeMs} ms old`);
          }
        }
        return 0;
      }
      case 'replay':
      case 'discard': {
        const [module, id] = rest;
        if (command === 'replay' && flags.has('all-dead')) {
          if (!module || id !== undefined) return usage('replay --all-dead needs <module> and no event id');
          const outbox = outboxOf(module);
          if (typeof outbox === 'string') return usage(outbox);
          const replayed = await outbox.replayAllDead(subscriber);
          const to = subscriber ? ` to ${subscriber}` : '';
          io.out(json ? JSON.stringify({ module, subscriber, replayed }) : `Replaying ${replayed} dead-lettered event(s) of ${module}${to}.`);
          return 0;
        }
        if (!module || !id || rest.length > 2) return usage(`${command} needs <module> <event-id>`);
        const outbox = outboxOf(module);
        if (typeof outbox === 'string') return usage(outbox);
        const entry = command === 'replay' ? await outbox.replay(id, subscriber) : await outbox.discard(id, subscriber);
        if (json) io.out(JSON.stringify({ module, ...entry }, null, 2));
        else io.out(`${command === 'replay' ? 'Replaying' : 'Discarded'}: ${describe({ module, ...entry })}`);
        return 0;
      }
      default:
        return usage(command ? `Unknown command "${command}"` : 'No command given');
    }
  } catch (error) {
    if (error instanceof ApplicationError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

function describe(entry: OutboxEntry & { module: string }): string {
  const head = `${entry.module} ${entry.id} ${entry.type} v${entry.version} aggregate=${entry.aggregateId} ${entry.status} attempts=${entry.attempts} occurred=${entry.occurredAt}`;
  const retry = entry.status === 'pending' && entry.attempts > 0 ? ` next-attempt=${entry.nextAttemptAt}` : '';
  if (entry.deliveries.length === 0) return entry.lastError ? `${head}${retry}\n    last error: ${entry.lastError}` : `${head}${retry}`;
  // One line per subscriber: each has its own attempts, retries and dead letter.
  const lines = entry.deliveries.map((d) => {
    const next = d.status === 'pending' && d.attempts > 0 ? ` next-attempt=${d.nextAttemptAt}` : '';
    const error = d.lastError && d.status !== 'delivered' ? `\n        last error: ${d.lastError}` : '';
    return `    to ${d.subscriber}: ${d.status} attempts=${d.attempts}${next}${error}`;
  });
  return [head, ...lines].join('\n');
}

function parseArgs(args: readonly string[]) {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const problems: string[] = [];
  const valued = new Set(['module', 'status', 'limit', 'subscriber']);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'json' || name === 'all-dead') flags.set(name, 'true');
    else if (valued.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) problems.push(`--${name} needs a value`);
      else flags.set(name, value);
    } else problems.push(`Unknown option --${name}`);
  }
  return { positional, flags, problems };
}
