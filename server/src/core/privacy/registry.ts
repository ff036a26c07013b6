// Personal data, module by module. Each module that keeps data about a user registers how to export
// it and how to erase it; accounts runs every eraser inside the erasure's one transaction, so a user
// is wiped everywhere or nowhere, and the export is the union of every module's part. A new module
// that stores anything about a user registers here (chat, payments, the wallet…).
import type { Executor } from '../db/client'

export interface PersonalDataHandler {
  /** The key of this module's part in an export, e.g. "notifications". */
  name: string
  export(userId: string): Promise<unknown>
  /** Deletes or anonymises what the module holds about the user; rows other records need stay, without personal fields. */
  erase(tx: Executor, userId: string): Promise<void>
}

export function createPrivacyRegistry() {
  const handlers: PersonalDataHandler[] = []
  return {
    register(handler: PersonalDataHandler) {
      if (handlers.some((h) => h.name === handler.name)) throw new Error(`personal data handler "${handler.name}" registered twice`)
      handlers.push(handler)
    },
    async exportAll(userId: string): Promise<Record<string, unknown>> {
      const parts: Record<string, unknown> = {}
      for (const h of handlers) parts[h.name] = await h.export(userId)
      return parts
    },
    async eraseAll(tx: Executor, userId: string): Promise<void> {
      for (const h of handlers) await h.erase(tx, userId)
    },
  }
}

export type PrivacyRegistry = ReturnType<typeof createPrivacyRegistry>
