// Work counted while in flight, so a stop can wait for it.
//
// pg-boss 10 records a finished job's outcome without awaiting it (its worker calls complete() and
// moves on), so its graceful stop can return before that statement has run, and a job that
// finished would be run again after its expiry. Its statements run through trackStatements; the
// queue's stop waits for `settled()` after pg-boss's own stop (and for its own batches, with
// trackInFlight).
import type { SqlExecutor } from '../db/client'

/** A set of promises in flight: `track` adds one until it settles; `settled` waits for all. */
export function trackInFlight() {
  const inFlight = new Set<Promise<unknown>>()
  return {
    track<T>(work: Promise<T>): Promise<T> {
      inFlight.add(work)
      // Its caller sees the failure; here it only leaves the set.
      const done = () => void inFlight.delete(work)
      work.then(done, done)
      return work
    },
    get size() {
      return inFlight.size
    },
    /** Resolves once nothing is in flight, including any started while it waited. */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}

export function trackStatements(db: SqlExecutor): { executor: SqlExecutor; settled(): Promise<void> } {
  const statements = trackInFlight()
  return {
    executor: { executeSql: (text, values) => statements.track(db.executeSql(text, values)) },
    settled: () => statements.settled(),
  }
}
