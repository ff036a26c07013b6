// A module's settings: one row per setting in the module's own `<module>_settings` table (key,
// value jsonb), read on hot paths so served from memory, and an admin's change applies at once on
// every node (hot cache + invalidation bus). Every change is audited with the fields it touched.
import { sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Audit } from '../audit/service'
import type { Db } from '../db/client'
import type { Principal } from '../http/auth'
import { createHotCache } from './hot-cache'
import type { InvalidationBus } from './invalidation'

type SettingsTable = PgTable & { key: PgColumn; value: PgColumn; updatedAt: PgColumn }

export function createModuleSettings<T extends object>(deps: {
  db: Db
  bus: InvalidationBus
  audit: Audit
  /** e.g. 'support': names the cache, the audit action (`support_settings.updated`) and its target type. */
  name: string
  table: SettingsTable
  defaults: T
  /** The row key of each setting (snake_case in the table). */
  keys: { [K in keyof T]: string }
}) {
  const { db, table, defaults, keys } = deps
  const fields = Object.keys(keys) as (keyof T)[]
  const cache = createHotCache<T>({
    name: `${deps.name}.settings`,
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1,
    async load() {
      const rows = (await db.select({ key: table.key, value: table.value }).from(table)) as { key: string; value: unknown }[]
      const out = { ...defaults }
      for (const field of fields) {
        const row = rows.find((r) => r.key === keys[field])
        if (row) out[field] = row.value as T[typeof field]
      }
      return out
    },
  })

  async function write(actor: Principal, patch: Partial<T>): Promise<T> {
    const changed = fields.filter((f) => patch[f] !== undefined)
    await db.transaction(async (tx) => {
      for (const field of changed) {
        // A JSON null, not SQL's NULL (the value column holds JSON and is never NULL).
        const value = patch[field] === null ? sql`'null'::jsonb` : patch[field]
        await tx
          .insert(table)
          .values({ key: keys[field], value } as never)
          .onConflictDoUpdate({ target: table.key, set: { value, updatedAt: sql`now()` } as never })
      }
      await deps.audit.append(tx, {
        actor,
        action: `${deps.name}_settings.updated`,
        targetType: `${deps.name}_settings`,
        data: { fields: changed },
      })
    })
    await cache.invalidate('all')
    return cache.get('all')
  }

  return { read: () => cache.get('all'), write }
}

export type ModuleSettings<T extends object> = ReturnType<typeof createModuleSettings<T>>
