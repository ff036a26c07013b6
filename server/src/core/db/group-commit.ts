// Group commit: writes that arrive while earlier ones are in flight wait and then go together, in
// one transaction, so a busy path pays the database's round trips per batch, not per item. An idle
// path pays nothing extra: an item that finds a free slot is written on the next turn of the event
// loop, alone. `write` answers every item of a batch (a per-item refusal is an answer, not a throw);
// when it throws, the transaction was rolled back and each item is written again on its own, so one
// bad item fails alone and the others are still written.

/** One item's answer from a batch write. */
export type ItemResult<R> = { ok: true; value: R } | { ok: false; error: unknown }

export interface GroupCommitOptions<I, R> {
  /** Writes the items in one transaction; one result per item, in the same order. */
  write: (items: I[]) => Promise<ItemResult<R>[]>
  /** Items per transaction (bounds its statements' size). */
  maxBatch?: number
  /** Batches written at once; more items wait and join the next batch. */
  maxInFlight?: number
  /**
   * What an item locks (its rows, its advisory locks). A batch started while others are in flight
   * leaves out the items that share a key with them: they would only wait on those batches' locks
   * inside the database, holding their own. They go in a later batch, in their order.
   */
  keys?: (item: I) => readonly string[]
}

interface Waiting<I, R> {
  item: I
  resolve: (value: R) => void
  reject: (error: unknown) => void
}

export function createGroupCommit<I, R>(options: GroupCommitOptions<I, R>) {
  const maxBatch = options.maxBatch ?? 100
  const maxInFlight = options.maxInFlight ?? 2
  const queue: Waiting<I, R>[] = []
  // How many batches in flight hold each key (with options.keys).
  const held = new Map<string, number>()
  let inFlight = 0
  let scheduled = false

  const settle = (entry: Waiting<I, R>, result: ItemResult<R> | undefined) => {
    if (!result) entry.reject(new Error('group commit: the write gave no result for an item'))
    else if (result.ok) entry.resolve(result.value)
    else entry.reject(result.error)
  }

  async function run(batch: Waiting<I, R>[]) {
    try {
      const results = await options.write(batch.map((e) => e.item))
      batch.forEach((entry, i) => settle(entry, results[i]))
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error)
      for (const entry of batch) {
        try {
          settle(entry, (await options.write([entry.item]))[0])
        } catch (alone) {
          entry.reject(alone)
        }
      }
    }
  }

  /** The next batch: the queue's first items, less those sharing a key with a batch in flight (and the later items of their keys). */
  function take(): Waiting<I, R>[] {
    const keysOf = options.keys
    if (!keysOf || !held.size) return queue.splice(0, maxBatch)
    const batch: Waiting<I, R>[] = []
    const rest: Waiting<I, R>[] = []
    const deferred = new Set<string>()
    for (const entry of queue) {
      const keys = keysOf(entry.item)
      if (batch.length < maxBatch && !keys.some((k) => held.has(k) || deferred.has(k))) batch.push(entry)
      else {
        rest.push(entry)
        for (const k of keys) deferred.add(k)
      }
    }
    queue.splice(0, queue.length, ...rest)
    return batch
  }

  function hold(batch: Waiting<I, R>[], by: 1 | -1) {
    if (!options.keys) return
    for (const entry of batch)
      for (const k of options.keys(entry.item)) {
        const n = (held.get(k) ?? 0) + by
        if (n > 0) held.set(k, n)
        else held.delete(k)
      }
  }

  function pump() {
    scheduled = false
    while (inFlight < maxInFlight && queue.length) {
      const batch = take()
      if (!batch.length) return
      inFlight++
      hold(batch, 1)
      void run(batch).finally(() => {
        inFlight--
        hold(batch, -1)
        schedule()
      })
    }
  }

  // Items that arrive in the same turn of the event loop (sockets read together) share a batch.
  function schedule() {
    if (scheduled || !queue.length) return
    scheduled = true
    setImmediate(pump)
  }

  /** Writes `item` with whatever else is waiting; resolves or rejects with its own result. */
  function submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      schedule()
    })
  }

  /** Nothing waiting and nothing being written. */
  const idle = () => !queue.length && !inFlight

  return { submit, idle }
}

export type GroupCommit<I, R> = ReturnType<typeof createGroupCommit<I, R>>

/**
 * Reads by key the same way: keys asked for while a read is in flight (the jobs of one batch, each
 * reading its own row) go in one query. `load` answers the rows it found; a missing key reads as
 * undefined.
 */
export function createBatchedReads<K, V>(load: (keys: K[]) => Promise<Map<K, V>>, maxBatch = 100) {
  const reads = createGroupCommit<K, V | undefined>({
    maxBatch,
    write: async (keys) => {
      const found = await load([...new Set(keys)])
      return keys.map((key) => ({ ok: true as const, value: found.get(key) }))
    },
  })
  return (key: K) => reads.submit(key)
}

/**
 * Writes whose items need no answer of their own (rows inserted or updated as given) the same
 * way: the items submitted while a write is in flight go in one statement.
 */
export function createBatchedWrites<I>(write: (items: I[]) => Promise<void>, maxBatch = 100) {
  const writes = createGroupCommit<I, void>({
    maxBatch,
    write: async (items) => {
      await write(items)
      return items.map(() => ({ ok: true as const, value: undefined }))
    },
  })
  return (item: I) => writes.submit(item)
}
