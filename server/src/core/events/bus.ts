// Typed domain events. Modules add their events to DomainEvents by declaration merging, raise
// them inside a transaction (inTransaction) and they are published only after it commits, to
// in-process subscribers and, when the event names an audience, to realtime rooms.
import type { Logger } from 'pino'
import type { Db, Tx } from '../db/client'
import type { Jobs } from '../jobs/queue'

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

export type EventName = keyof DomainEvents & string

export interface DomainEvent<K extends EventName = EventName> {
  name: K
  payload: DomainEvents[K]
  /** Sockets that receive this event as `name`: users' (room `user:<id>`) and named rooms' (e.g. a conversation's). */
  audience?: { userIds?: string[]; rooms?: string[] }
  at: string
}

type Handler<K extends EventName> = (event: DomainEvent<K>) => void | Promise<void>

export function createEventBus(logger: Logger) {
  const handlers = new Map<string, Set<Handler<any>>>()
  const anyHandlers = new Set<Handler<any>>()
  // Durable subscribers get the event as a job enqueued in the raising transaction: it cannot be
  // lost between the commit and the publish (a crash there loses only in-process deliveries).
  const durable = new Map<string, string[]>()
  let jobs: Jobs | undefined

  function useJobs(queue: Jobs) {
    jobs = queue
  }

  /** `queue` (a job defined with jobs.define) receives { event } for every `name` raised in a transaction. */
  function subscribeDurable<K extends EventName>(name: K, queue: string) {
    durable.set(name, [...(durable.get(name) ?? []), queue])
  }

  function subscribe<K extends EventName>(name: K, handler: Handler<K>): () => void {
    let set = handlers.get(name)
    if (!set) handlers.set(name, (set = new Set()))
    set.add(handler)
    return () => set.delete(handler)
  }

  function subscribeAll(handler: Handler<EventName>): () => void {
    anyHandlers.add(handler)
    return () => anyHandlers.delete(handler)
  }

  /** Delivers to every subscriber; one failing subscriber never stops the others. */
  async function publish(event: DomainEvent): Promise<void> {
    const targets = [...(handlers.get(event.name) ?? []), ...anyHandlers]
    await Promise.all(
      targets.map(async (handler) => {
        try {
          await handler(event)
        } catch (err) {
          logger.error({ err, event: event.name }, 'event subscriber failed')
        }
      }),
    )
  }

  function event<K extends EventName>(name: K, payload: DomainEvents[K], audience?: DomainEvent['audience']): DomainEvent<K> {
    return { name, payload, audience, at: new Date().toISOString() }
  }

  /** Runs `fn` in a transaction; events it raises are published after the commit, never on rollback. */
  async function inTransaction<T>(db: Db, fn: (tx: Tx, raise: (event: DomainEvent) => void) => Promise<T>): Promise<T> {
    const raised: DomainEvent[] = []
    const result = await db.transaction(async (tx) => {
      const value = await fn(tx, (e) => {
        raised.push(e)
      })
      for (const e of raised) {
        for (const queue of durable.get(e.name) ?? []) {
          if (!jobs) throw new Error('durable subscribers need events.useJobs(jobs)')
          await jobs.send(queue, { event: e }, { tx })
        }
      }
      return value
    })
    for (const e of raised) await publish(e)
    return result
  }

  return { subscribe, subscribeAll, subscribeDurable, useJobs, publish, event, inTransaction }
}

export type EventBus = ReturnType<typeof createEventBus>
