/**
 * "`column` equals `value`" (a literal or a placeholder), for a statement that finds rows by key -
 * written as the one-value range `column BETWEEN value AND value`. It means the same and is an
 * index condition on a full index's column, but no partial index's predicate (`WHERE status =
 * 'pending'`) follows from it, so the planner cannot choose such an index. That matters when the
 * partial index looks empty to statistics taken while no row matched it (nothing pending, nothing
 * reserved): the planner then reads that whole index once per candidate row instead of probing by
 * key (docs/performance.md, issue 17's million-order collapse). Scans of the matching rows
 * themselves (a claim's due order, a sweeper's expired reservations) keep `=`.
 */
export function equalsOnFullIndex(column: string, value: string): string {
  return `${column} BETWEEN ${value} AND ${value}`;
}
