import { match, type MatchFunction } from 'path-to-regexp';

export interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

export interface RouteMatch {
  /** The route's pattern, e.g. /orders/:id: a bounded label for logs and metrics. */
  readonly pattern: string;
  /** Methods the path answers to, e.g. ['GET', 'HEAD']. */
  readonly methods: readonly string[];
}

interface Pattern {
  readonly pattern: string;
  readonly matches: MatchFunction<object>;
  /** The answer when this pattern is the only one matching a path: built once. */
  readonly alone: RouteMatch;
  readonly methods: ReadonlySet<string>;
}

/**
 * The routes the app serves, read once from the Express router after Nest has registered them,
 * so the HTTP layer can tell an unknown path (404) from a wrong method on a known one (405, with
 * an Allow header) before it parses any body, and can label logs and metrics by route pattern
 * rather than by raw URL. Matching follows Express' defaults: case-insensitive, trailing slash
 * optional.
 *
 * It runs on every request, so the work is done once: routes of one pattern are merged with
 * their methods sorted, and a path is only tried against the patterns that can match its first
 * segment (those starting with that literal segment, or with a parameter).
 */
export class KnownRoutes {
  private index: { byFirstSegment: Map<string, Pattern[]>; anyFirstSegment: Pattern[] } | null = null;

  constructor(private readonly routerStack: () => readonly RouteLayer[]) {}

  find(path: string): RouteMatch | undefined {
    const { byFirstSegment, anyFirstSegment } = this.patterns();
    const candidates = byFirstSegment.get(firstSegment(path)) ?? anyFirstSegment;
    let found: Pattern[] | null = null;
    for (const candidate of candidates) {
      if (safeMatch(candidate.matches, path)) (found ??= []).push(candidate);
    }
    if (!found) return undefined;
    if (found.length === 1) return found[0]!.alone;
    return describe(found[0]!.pattern, found.flatMap((p) => [...p.methods]));
  }

  private patterns() {
    if (this.index) return this.index;
    const methodsByPattern = new Map<string, Set<string>>();
    for (const layer of this.routerStack()) {
      const path = layer.route?.path;
      // Wildcard routes are middleware Nest mounted for every path (e.g. the logger's {/*splat}).
      if (typeof path !== 'string' || path.includes('*') || layer.route!.methods._all) continue;
      const methods = methodsByPattern.get(path) ?? new Set<string>();
      for (const method of Object.keys(layer.route!.methods)) methods.add(method.toUpperCase());
      methodsByPattern.set(path, methods);
    }
    const all: (Pattern & { first: string | null })[] = [...methodsByPattern].map(([pattern, methods]) => ({
      pattern,
      methods,
      matches: match(pattern, { decode: false, sensitive: false, trailing: true, end: true }),
      alone: describe(pattern, [...methods]),
      // A literal first segment narrows the candidates; a parameter or optional part does not.
      first: /^\/[A-Za-z0-9_.~-]+(?=\/|$)/.test(pattern) ? firstSegment(pattern) : null,
    }));
    const anyFirstSegment = all.filter((p) => p.first === null);
    const byFirstSegment = new Map<string, Pattern[]>();
    for (const p of all) if (p.first !== null) byFirstSegment.set(p.first, [...(byFirstSegment.get(p.first) ?? []), p]);
    // Registration order decides which pattern labels a path that several match, as before.
    for (const [first, list] of byFirstSegment) byFirstSegment.set(first, all.filter((p) => list.includes(p) || p.first === null));
    this.index = { byFirstSegment, anyFirstSegment };
    return this.index;
  }
}

function describe(pattern: string, methods: readonly string[]): RouteMatch {
  const all = new Set(methods);
  if (all.has('GET')) all.add('HEAD');
  return { pattern, methods: [...all].sort() };
}

/** The first path segment, lower-cased as Express matches it ('' for '/'). */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

function safeMatch(matches: MatchFunction<object>, path: string): boolean {
  try {
    return matches(path) !== false;
  } catch {
    return false;
  }
}
