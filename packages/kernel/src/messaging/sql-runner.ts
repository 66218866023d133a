/** Anything that runs SQL and returns rows: a TypeORM DataSource, or a pg client wrapped in one line. */
export interface SqlRunner {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of raw SQL are untyped; callers give them a type
  query(sql: string, parameters?: unknown[]): Promise<any[]>;
}
