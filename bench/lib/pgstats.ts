// How much a stage wrote to PostgreSQL, read before and after it: write transactions (each one
// commits with a WAL flush, fsync on) and WAL bytes. Both are server-wide and exact at once (the
// next transaction id and the WAL position), unlike pg_stat_database, whose counters backends
// report up to seconds late. Anything else writing on the same server meanwhile counts too.
import type pg from 'pg'

export interface PgCounters {
  xid: number
  walBytes: number
}

type Queryable = Pick<pg.ClientBase, 'query'>

export async function pgCounters(client: Queryable): Promise<PgCounters> {
  const {
    rows: [r],
  } = await client.query(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text::float8 AS xid,
    pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS wal_bytes`)
  return { xid: r.xid, walBytes: r.wal_bytes }
}

/** Per unit of work (per delivery, per outbox row) between two readings. */
export function perUnit(before: PgCounters, after: PgCounters, units: number) {
  const n = Math.max(1, units)
  return {
    writeTransactionsPerUnit: Math.round(((after.xid - before.xid) / n) * 100) / 100,
    walBytesPerUnit: Math.round((after.walBytes - before.walBytes) / n),
  }
}
