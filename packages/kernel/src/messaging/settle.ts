import { deliveryTable, pendingByKey, quoteIdentifier } from './messaging-tables.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * Brings the status of fanned-out events (outbox.status, the event as a whole) in line with their
 * deliveries: delivered once every subscriber has it, dead once none is pending and one is dead,
 * discarded once all were discarded. Runs after the statement that changed the deliveries has
 * committed, in a statement of its own: the settle that follows the last change then sees every
 * change (its snapshot is newer than all of them), whichever relay made which. It only ever sets
 * a final status, never pending (a replay puts the event back to pending itself), so a settle
 * that saw an older state cannot hold an event back. Returns how many events it settled.
 */
export async function settleEvents(sql: SqlRunner, schema: string, seqs: readonly (string | number)[]): Promise<number> {
  if (seqs.length === 0) return 0;
  const rows = await sql.query(
    `WITH summary AS (
       SELECT d.event_seq,
              CASE WHEN bool_or(d.status = 'pending') THEN 'pending'
                   WHEN bool_or(d.status = 'dead') THEN 'dead'
                   WHEN bool_and(d.status = 'discarded') THEN 'discarded'
                   ELSE 'delivered' END AS status
         FROM ${deliveryTable(schema)} d
        WHERE d.event_seq = ANY($1::bigint[])
        GROUP BY d.event_seq
     ), settled AS (
       UPDATE ${quoteIdentifier(schema)}.outbox o
          SET status = summary.status,
              delivered_at = CASE WHEN summary.status IN ('delivered', 'discarded') THEN now() END
         FROM summary
        WHERE o.seq = summary.event_seq AND o.fanned_out AND summary.status <> 'pending' AND o.status <> summary.status
       RETURNING o.seq
     )
     SELECT count(*)::int AS settled FROM settled`,
    [seqs.map(String)],
  );
  return rows[0]?.settled ?? 0;
}

/**
 * Settles fanned-out events still marked pending although none of their deliveries is (a relay
 * that died between completing a batch and settling it). A safety net run by the retention sweep.
 * The deliveries are probed by primary key (pendingByKey: no partial index of pending rows can serve it).
 */
export async function settleStragglers(sql: SqlRunner, schema: string, limit: number): Promise<number> {
  const rows = await sql.query(stragglersStatement(schema), [limit]);
  return settleEvents(sql, schema, rows.map((r: { seq: string }) => r.seq));
}

/** Fanned-out events still pending with no pending delivery ($1 at most this many), oldest first. */
export function stragglersStatement(schema: string): string {
  return `SELECT o.seq FROM ${quoteIdentifier(schema)}.outbox o
      WHERE o.status = 'pending' AND o.fanned_out
        AND NOT EXISTS (SELECT 1 FROM ${deliveryTable(schema)} d WHERE d.event_seq = o.seq AND ${pendingByKey('d.status')})
      ORDER BY o.seq LIMIT $1`;
}
