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

/**
 * The routes the app serves, read once from the Express router after Nest has registered them,
 * so the HTTP layer can tell an unknown path (404) from a wrong method on a known one (405, with
 * an Allow header) before it parses any body, and can label logs and metrics by route pattern
 * rather than by raw URL. Matching follows Express' defaults: case-insensitive, trailing slash
 * optional.
 */
export class KnownRoutes {
  private routes: { pattern: string; methods: Set<string>; matches: MatchFunction<object> }[] | null = null;

  constructor(private readonly routerStack: () => readonly RouteLayer[]) {}

  find(path: string): RouteMatch | undefined {
    const methods = new Set<string>();
    let pattern: string | undefined;
    for (const route of this.all()) {
      if (!safeMatch(route.matches, path)) continue;
      pattern ??= route.pattern;
      for (const method of route.methods) methods.add(method);
    }
    if (pattern === undefined) return undefined;
    if (methods.has('GET')) methods.add('HEAD');
    return { pattern, methods: [...methods].sort() };
  }

  private all() {
    if (this.routes) return this.routes;
    const routes = [];
    for (const layer of this.routerStack()) {
      const path = layer.route?.path;
      // Wildcard routes are middleware Nest mounted for every path (e.g. the logger's {/*splat}).
      if (typeof path !== 'string' || path.includes('*') || layer.route!.methods._all) continue;
      const methods = new Set(Object.keys(layer.route!.methods).map((m) => m.toUpperCase()));
      routes.push({ pattern: path, methods, matches: match(path, { decode: false, sensitive: false, trailing: true, end: true }) });
    }
    this.routes = routes;
    return routes;
  }
}

function safeMatch(matches: MatchFunction<object>, path: string): boolean {
  try {
    return matches(path) !== false;
  } catch {
    return false;
  }
}
