// Chat's settings (moderation mode, retention, flood limit), members' reports and the retention
// purge. Settings are hot data: read from memory, dropped on every node when an admin changes them.
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import { createHotCache } from '../../core/cache/hot-cache'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { ChatFiles } from './ports'
import { messagesRepo, reportsRepo, settingsRepo } from './repo'
import type { ChatSettingsView } from './schemas'
import type { ChatViews } from './views'

export const ATTACHMENT_OWNER = 'chat_message'
export const DEFAULT_SETTINGS: ChatSettingsView = { moderation: 'off', retentionDays: null, floodPerMinute: 120 }
const PURGE_BATCH = 500

export function createModeration(deps: {
  db: Db
  bus: InvalidationBus
  audit: Audit
  files: ChatFiles
  views: ChatViews
  defaults?: Partial<ChatSettingsView>
}) {
  const { db, audit, files, views } = deps
  const defaults = { ...DEFAULT_SETTINGS, ...deps.defaults }
  const cache = createHotCache<ChatSettingsView>({
    name: 'chat-settings',
    bus: deps.bus,
    ttlMs: 5 * 60_000,
    maxEntries: 1,
    load: async () => {
      const rows = await settingsRepo.all(db)
      const stored = Object.fromEntries(rows.map((r) => [r.key, r.value])) as Partial<ChatSettingsView>
      return { ...defaults, ...stored }
    },
  })

  const settings = () => cache.get('all')

  async function updateSettings(actor: Principal, patch: Partial<ChatSettingsView>) {
    await db.transaction(async (tx) => {
      for (const [key, value] of Object.entries(patch)) if (value !== undefined) await settingsRepo.put(tx, key, value)
      await audit.append(tx, { actor, action: 'chat.settings.update', targetType: 'chat_settings', data: patch })
    })
    await cache.invalidate('all')
    return settings()
  }

  async function report(reporterId: string, message: { id: string; conversationId: string }, reason: string) {
    const row = await reportsRepo.insert(db, {
      id: newId(),
      messageId: message.id,
      conversationId: message.conversationId,
      reporterId,
      reason,
    })
    if (!row) throw new AppError('conflict', 'You have already reported this message')
    return { id: row.id }
  }

  async function reports(q: { open?: boolean; cursor?: string; limit?: number }) {
    const limit = q.limit ?? 20
    const rows = await reportsRepo.list(db, { open: q.open ?? true, limit: limit + 1, beforeId: decodeCursor(q.cursor) })
    const messages = await views.messages(
      await messagesRepo.byIds(
        db,
        rows.map((r) => r.messageId),
      ),
    )
    const byId = new Map(messages.map((m) => [m.id, m]))
    return pageOf(rows, limit, (r) => ({
      id: r.id,
      messageId: r.messageId,
      conversationId: r.conversationId,
      reporterId: r.reporterId,
      reason: r.reason,
      message: byId.get(r.messageId) ?? null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    }))
  }

  async function resolveReport(actor: Principal & { kind: 'user' }, id: string) {
    const row = await db.transaction(async (tx) => {
      const resolved = await reportsRepo.resolve(tx, id, actor.userId)
      if (resolved) await audit.append(tx, { actor, action: 'chat.report.resolve', targetType: 'chat_report', targetId: id })
      return resolved
    })
    if (!row) throw new AppError('not_found', 'No such open report')
  }

  /** Deletes messages (and their files) older than the retention setting; returns how many went. */
  async function purgeExpired(now = new Date()): Promise<number> {
    const { retentionDays } = await settings()
    if (!retentionDays) return 0
    const before = new Date(now.getTime() - retentionDays * 86_400_000)
    let purged = 0
    for (;;) {
      const batch = await messagesRepo.olderThan(db, before, PURGE_BATCH)
      if (!batch.length) return purged
      const ids = batch.map((m) => m.id)
      await files.deleteOwned(ATTACHMENT_OWNER, ids)
      await messagesRepo.deleteByIds(db, ids)
      purged += ids.length
    }
  }

  return { settings, updateSettings, report, reports, resolveReport, purgeExpired }
}

export type Moderation = ReturnType<typeof createModeration>
