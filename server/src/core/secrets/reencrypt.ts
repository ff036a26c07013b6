// Key rotation without downtime: `rotate()` makes a new data key active, then a job moves what
// modules sealed under older keys onto it, a batch at a time. Each batch is its own job (it sends
// the next), so a killed worker loses at most a batch, which the next run finds again; meanwhile
// every key still opens, so the node serves throughout.
import type { Jobs } from '../jobs/queue'
import type { KeyRing } from './keyring'

export const JOB_REENCRYPT = 'keys-reencrypt'
const BATCH = 200

export interface Reencryptor {
  /** e.g. "chat messages", "files". */
  name: string
  /** Re-seals up to `limit` items not under the active key; how many it did (0 = all moved). */
  run(limit: number): Promise<number>
  /** How many items are still under older keys. */
  remaining(): Promise<number>
}

export function createKeyRotation(deps: { ring: KeyRing; jobs: Jobs }) {
  const { ring, jobs } = deps
  const registered: Reencryptor[] = []

  jobs.define<Record<string, never>>({
    name: JOB_REENCRYPT,
    retryLimit: 10,
    expireInSeconds: 10 * 60,
    handler: async () => {
      let moved = 0
      for (const r of registered) moved += await r.run(BATCH)
      // Not a singleton here: this job is still active, and pg-boss would drop a second one with its key.
      if (moved > 0) await jobs.send(JOB_REENCRYPT, {})
    },
  })

  return {
    register(r: Reencryptor) {
      registered.push(r)
    },
    /** A new active key, and the job that moves everything onto it. */
    async rotate() {
      const { id } = await ring.rotate()
      await jobs.send(JOB_REENCRYPT, {}, { singletonKey: JOB_REENCRYPT })
      return { activeKeyId: id }
    },
    async status() {
      const active = (await ring.active()).id
      const remaining: Record<string, number> = {}
      for (const r of registered) remaining[r.name] = await r.remaining()
      return { activeKeyId: active, keyIds: await ring.ids(), remaining }
    },
  }
}

export type KeyRotation = ReturnType<typeof createKeyRotation>
