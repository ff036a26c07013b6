// Key rotation without downtime: `rotate()` makes a new data key active, then a job moves what
// modules sealed under older keys onto it, a batch at a time. Each batch is its own job (it sends
// the next), so a killed worker loses at most a batch, which the next run finds again; meanwhile
// every key still opens, so the node serves throughout. Each step's job id is named by its rotation
// and its number, so a step that runs twice (its worker killed after it sent the next) sends the
// next once.
import { createHash, randomUUID } from 'node:crypto'
import type { Jobs } from '../jobs/queue'
import type { DataKey, KeyRing } from './keyring'

export const JOB_REENCRYPT = 'keys-reencrypt'
/** Items each re-encryptor moves per job. */
export const REENCRYPT_BATCH = 200

export interface Reencryptor {
  /** e.g. "chat messages", "files". */
  name: string
  /**
   * Re-seals up to `limit` items not under `active` (the active key as this job sees it); how many
   * it did (0 = all moved). It must write with a compare-and-set on the old value, so an edit that
   * lands meanwhile is never overwritten with the text it replaced.
   */
  run(limit: number, active: DataKey): Promise<number>
  /** How many items are still under older keys (for `status()`); leave it out if counting is not possible. */
  remaining?(): Promise<number>
}

export interface KeyStatus {
  activeKeyId: string
  keyIds: string[]
  /** Per re-encryptor that can count: items still under older keys. */
  remaining: Record<string, number>
}

/** A UUID named by the chain and the step (v8, from their SHA-256): the same step always gets the same job id. */
function stepJobId(chain: string, step: number): string {
  const hex = createHash('sha256').update(`${JOB_REENCRYPT}:${chain}:${step}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function createKeyRotation(deps: { ring: KeyRing; jobs: Jobs }) {
  const { ring, jobs } = deps
  const registered: Reencryptor[] = []

  // `keyId`: the key the rotation made active, kept through its whole chain of jobs. A worker that
  // has not heard of it yet (its invalidation message is late or lost) reloads first: on its old
  // copy it would take the old key for the active one and move content back onto it. `chain` (one
  // per rotation) and `step` (0 for the job the rotation sends, then 1, 2…) name the job ids. All
  // three are absent in jobs queued before they existed.
  jobs.define<{ keyId?: string; chain?: string; step?: number }>({
    name: JOB_REENCRYPT,
    retryLimit: 10,
    expireInSeconds: 10 * 60,
    handler: async ({ keyId, chain = randomUUID(), step = 0 }) => {
      if (keyId) await ring.key(keyId)
      const active = await ring.active()
      let moved = 0
      const failures: unknown[] = []
      // One re-encryptor failing (a damaged row) must not hold up the others: they all run, then
      // the job fails and pg-boss retries it with backoff.
      for (const r of registered) {
        try {
          moved += await r.run(REENCRYPT_BATCH, active)
        } catch (err) {
          failures.push(new Error(`re-encrypting ${r.name} failed`, { cause: err }))
        }
      }
      // After a newer rotation this chain moves content onto the newer key too, beside that key's own
      // chain (the writes are compare-and-set, so the two only repeat some work).
      if (moved > 0 && !failures.length)
        await jobs.send(JOB_REENCRYPT, { keyId: keyId ?? active.id, chain, step: step + 1 }, { id: stepJobId(chain, step + 1) })
      if (failures.length === 1) throw failures[0]
      if (failures.length) throw new AggregateError(failures, 'key rotation: re-encryption failed')
    },
  })

  return {
    /** Adds a module's re-encryptor; the returned function removes it again (tests). */
    register(r: Reencryptor): () => void {
      if (registered.some((other) => other.name === r.name)) throw new Error(`a re-encryptor named "${r.name}" is registered already`)
      registered.push(r)
      return () => {
        const at = registered.indexOf(r)
        if (at >= 0) registered.splice(at, 1)
      }
    },
    /** A new active key, and the job that moves everything onto it. */
    async rotate(): Promise<{ activeKeyId: string }> {
      const { id } = await ring.rotate()
      const chain = randomUUID()
      await jobs.send(JOB_REENCRYPT, { keyId: id, chain, step: 0 }, { id: stepJobId(chain, 0) })
      return { activeKeyId: id }
    },
    async status(): Promise<KeyStatus> {
      const active = (await ring.active()).id
      const remaining: Record<string, number> = {}
      for (const r of registered) if (r.remaining) remaining[r.name] = await r.remaining()
      return { activeKeyId: active, keyIds: await ring.ids(), remaining }
    },
  }
}

export type KeyRotation = ReturnType<typeof createKeyRotation>
