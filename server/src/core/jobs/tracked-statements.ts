// The statements pg-boss runs, counted while in flight. pg-boss 10 records a finished job's outcome
// without awaiting it (its worker calls complete() and moves on), so its graceful stop can return
// before that statement has run, and a job that finished would be run again after its expiry.
// The queue's stop waits for `settled()` after pg-boss's own stop.
import type { SqlExecutor } from '../db/client'

export function trackStatements(db: SqlExecutor): { executor: SqlExecutor; settled(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>()
  return {
    executor: {
      executeSql(text, values) {
        const statement = db.executeSql(text, values)
        inFlight.add(statement)
        // Its caller sees the failure; here it only leaves the set.
        statement.then(
          () => inFlight.delete(statement),
          () => inFlight.delete(statement),
        )
        return statement
      },
    },
    /** Resolves once no statement is in flight, including any started while it waited. */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}
