// Notification types and their versioned templates: the admin-facing catalogue, and the
// template look-up (user's locale, else the default) the pipeline renders with.
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Audit } from '../../core/audit/service'
import type { Db, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { notificationTemplates, notificationTypes, type Category, type NotifyChannel } from './tables'
import { renderTemplate, validateTemplate, type RenderContext, type TemplateContent } from './templates'

export const DEFAULT_LOCALE = 'en' as const
export type TypeRow = typeof notificationTypes.$inferSelect
export type TemplateRow = typeof notificationTemplates.$inferSelect

export function typeView(t: TypeRow) {
  return {
    key: t.key,
    name: t.name,
    category: t.category,
    critical: t.critical,
    channels: t.channels,
    system: t.system,
    updatedAt: t.updatedAt.toISOString(),
  }
}
export function templateView(t: TemplateRow) {
  return {
    id: t.id,
    channel: t.channel,
    locale: t.locale,
    version: t.version,
    content: t.content,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
  }
}

export function createCatalog(deps: { db: Db; audit: Audit; brand: RenderContext['brand'] }) {
  const { db, audit } = deps

  async function typeByKey(x: Executor, key: string) {
    const [row] = await x.select().from(notificationTypes).where(eq(notificationTypes.key, key))
    return row
  }

  async function requireType(key: string) {
    const row = await typeByKey(db, key)
    if (!row) throw new AppError('not_found', `No notification type "${key}"`)
    return row
  }

  async function listTypes() {
    return db.select().from(notificationTypes).orderBy(asc(notificationTypes.key))
  }

  async function createType(
    actor: Principal | 'system',
    input: { key: string; name: string; category: Category; critical?: boolean; channels: NotifyChannel[] },
    system = false,
  ) {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(notificationTypes)
        .values({
          id: newId(),
          key: input.key,
          name: input.name,
          category: input.category,
          critical: input.critical ?? false,
          channels: input.channels,
          system,
        })
        .onConflictDoNothing()
        .returning()
      if (!row) throw new AppError('conflict', `A notification type "${input.key}" already exists`)
      await audit.append(tx, {
        actor,
        action: 'notification_type.created',
        targetType: 'notification_type',
        targetId: input.key,
        data: { category: input.category, channels: input.channels },
      })
      return row
    })
  }

  async function updateType(
    actor: Principal,
    key: string,
    patch: { name?: string; category?: Category; critical?: boolean; channels?: NotifyChannel[] },
  ) {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .update(notificationTypes)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(notificationTypes.key, key))
        .returning()
      if (!row) throw new AppError('not_found', `No notification type "${key}"`)
      await audit.append(tx, { actor, action: 'notification_type.updated', targetType: 'notification_type', targetId: key, data: patch })
      return row
    })
  }

  async function deleteType(actor: Principal, key: string) {
    const type = await requireType(key)
    if (type.system) throw new AppError('conflict', "Caravan's own notification types can be edited but not deleted")
    await db.transaction(async (tx) => {
      await tx.delete(notificationTypes).where(eq(notificationTypes.id, type.id))
      await audit.append(tx, { actor, action: 'notification_type.deleted', targetType: 'notification_type', targetId: key })
    })
  }

  /** Validates and stores a new version; the version number is the next one for that channel and locale. */
  async function saveTemplate(
    actor: Principal | 'system',
    key: string,
    channel: NotifyChannel,
    locale: 'fa' | 'en',
    content: TemplateContent,
  ) {
    const type = await requireType(key)
    if (!type.channels.includes(channel)) throw new AppError('unprocessable', `The type "${key}" does not use the ${channel} channel`)
    validateTemplate(channel, content)
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.transaction(async (tx) => {
          const [last] = await tx
            .select({ version: notificationTemplates.version })
            .from(notificationTemplates)
            .where(
              and(
                eq(notificationTemplates.typeId, type.id),
                eq(notificationTemplates.channel, channel),
                eq(notificationTemplates.locale, locale),
              ),
            )
            .orderBy(desc(notificationTemplates.version))
            .limit(1)
          const [row] = await tx
            .insert(notificationTemplates)
            .values({
              id: newId(),
              typeId: type.id,
              channel,
              locale,
              version: (last?.version ?? 0) + 1,
              content,
              createdBy: actor === 'system' ? 'system' : actor.kind === 'user' ? actor.userId : actor.keyId,
            })
            .returning()
          await audit.append(tx, {
            actor,
            action: 'notification_template.saved',
            targetType: 'notification_type',
            targetId: key,
            data: { channel, locale, version: row.version },
          })
          return row
        })
      } catch (e) {
        // Two saves at once: the unique (type, channel, locale, version) index refuses one; take the next number.
        if ((e as any)?.code === '23505' || (e as any)?.cause?.code === '23505') {
          if (attempt < 3) continue
        }
        throw e
      }
    }
  }

  async function templateVersions(key: string, channel?: NotifyChannel, locale?: 'fa' | 'en') {
    const type = await requireType(key)
    return db
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.typeId, type.id),
          channel ? eq(notificationTemplates.channel, channel) : undefined,
          locale ? eq(notificationTemplates.locale, locale) : undefined,
        ),
      )
      .orderBy(asc(notificationTemplates.channel), asc(notificationTemplates.locale), desc(notificationTemplates.version))
  }

  /** The newest version for the locale, falling back to the default locale. */
  async function currentTemplate(typeId: string, channel: NotifyChannel, locale: 'fa' | 'en'): Promise<TemplateRow | undefined> {
    for (const candidate of locale === DEFAULT_LOCALE ? [locale] : [locale, DEFAULT_LOCALE]) {
      const [row] = await db
        .select()
        .from(notificationTemplates)
        .where(
          and(
            eq(notificationTemplates.typeId, typeId),
            eq(notificationTemplates.channel, channel),
            eq(notificationTemplates.locale, candidate),
          ),
        )
        .orderBy(desc(notificationTemplates.version))
        .limit(1)
      if (row) return row
    }
    return undefined
  }

  async function preview(
    key: string,
    input: { channel: NotifyChannel; locale: 'fa' | 'en'; version?: number; content?: TemplateContent; data?: Record<string, unknown> },
  ) {
    const type = await requireType(key)
    let content = input.content
    let version: number | null = null
    if (content) validateTemplate(input.channel, content)
    else {
      const rows = await db
        .select()
        .from(notificationTemplates)
        .where(
          and(
            eq(notificationTemplates.typeId, type.id),
            eq(notificationTemplates.channel, input.channel),
            eq(notificationTemplates.locale, input.locale),
            input.version ? eq(notificationTemplates.version, input.version) : undefined,
          ),
        )
        .orderBy(desc(notificationTemplates.version))
        .limit(1)
      const row = rows[0] ?? (input.version ? undefined : await currentTemplate(type.id, input.channel, input.locale))
      if (!row)
        throw new AppError('not_found', `No ${input.channel} template for "${key}"${input.version ? ` version ${input.version}` : ''}`)
      content = row.content as TemplateContent
      version = row.version
    }
    const rendered = await renderTemplate(input.channel, content, {
      locale: input.locale,
      data: input.data ?? {},
      user: { name: input.locale === 'fa' ? 'سارا' : 'Sara', email: 'sara@example.com', locale: input.locale },
      brand: deps.brand,
    })
    return { channel: input.channel, locale: input.locale, version, rendered }
  }

  return {
    typeByKey,
    findType: (key: string) => typeByKey(db, key),
    requireType,
    listTypes,
    createType,
    updateType,
    deleteType,
    saveTemplate,
    templateVersions,
    currentTemplate,
    preview,
  }
}

export type Catalog = ReturnType<typeof createCatalog>
