// Notification types and their versioned templates: the admin-facing catalogue, and the
// template look-up (user's locale, else the default) the pipeline renders with.
import { isUniqueViolation } from '../../core/db/errors'
import type { Static } from 'typebox'
import type { Audit } from '../../core/audit/service'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { templatesRepo, typesRepo, type Locale, type TemplateRow, type TypeRow } from './repo'
import type { NotificationType, Template } from './schemas'
import { CATEGORIES, type Category, type Guarantee, type NotifyChannel } from './tables'
import { renderTemplate, validateTemplate, type RenderContext, type TemplateContent } from './templates'
import type { IrrDisplay } from './template-filters'

export const DEFAULT_LOCALE = 'en' as const
export type { TemplateRow, TypeRow }

export function typeView(t: TypeRow): Static<typeof NotificationType> {
  return {
    key: t.key,
    name: t.name,
    category: t.category,
    critical: t.critical,
    channels: t.channels,
    guarantees: { email: t.emailGuarantee, sms: t.smsGuarantee },
    system: t.system,
    updatedAt: t.updatedAt.toISOString(),
  }
}
export function templateView(t: TemplateRow): Static<typeof Template> {
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

/** Keeps the first (newest) version of each channel and locale of versions sorted newest first within each. */
export function newestPerChannelAndLocale(versions: TemplateRow[]): TemplateRow[] {
  const seen = new Set<string>()
  return versions.filter((t) => {
    const key = `${t.channel}|${t.locale}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Categories whose every type is critical: users cannot turn them off anywhere, so the
 * preferences page shows them as always on. A category with one non-critical type is not.
 */
export function criticalCategoriesOf(types: Pick<TypeRow, 'category' | 'critical'>[]): Category[] {
  return CATEGORIES.filter((category) => {
    const ofCategory = types.filter((t) => t.category === category)
    return ofCategory.length > 0 && ofCategory.every((t) => t.critical)
  })
}

type GuaranteesInput = { email?: Guarantee; sms?: Guarantee }

/** The columns a type's guarantees are kept in; what is not given stays as it is (or the column default). */
function guaranteeColumns(g: GuaranteesInput | undefined) {
  return { ...(g?.email ? { emailGuarantee: g.email } : {}), ...(g?.sms ? { smsGuarantee: g.sms } : {}) }
}

export function createCatalog(deps: {
  db: Db
  bus: InvalidationBus
  audit: Audit
  brand: RenderContext['brand']
  /** The admin's formatting settings, so a preview reads as the real message will. */
  formats: () => Promise<{ irr: IrrDisplay }>
}) {
  const { db, audit } = deps

  const typeByKey = (x: Executor, key: string) => typesRepo.byKey(x, key)

  // Read for every delivery: the types and the newest template of each (type, channel, locale)
  // are served from memory, dropped on every node when an admin changes them.
  const types = createHotCache<TypeRow | null>({
    name: 'notifications.types',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1000,
    load: async (key) => (await typesRepo.byKey(db, key)) ?? null,
  })
  const templateKey = (typeId: string, channel: NotifyChannel, locale: Locale) => `${typeId}|${channel}|${locale}`
  const templates = createHotCache<TemplateRow | null>({
    name: 'notifications.templates',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 5000,
    load: async (key) => {
      const [typeId, channel, locale] = key.split('|') as [string, NotifyChannel, Locale]
      return (await templatesRepo.version(db, typeId, channel, locale)) ?? null
    },
  })
  /** The type as the pipeline sends it (from memory); undefined when there is none. Not for use inside a transaction. */
  const cachedType = async (key: string) => (await types.get(key)) ?? undefined

  async function requireType(key: string) {
    const row = await cachedType(key)
    if (!row) throw new AppError('not_found', `No notification type "${key}"`)
    return row
  }

  const listTypes = async () => (await typesRepo.list(db)).map(typeView)

  async function createType(
    actor: Principal | 'system',
    input: { key: string; name: string; category: Category; critical?: boolean; channels: NotifyChannel[]; guarantees?: GuaranteesInput },
    system = false,
  ) {
    const created = await db.transaction(async (tx) => {
      const row = await typesRepo.insert(tx, {
        id: newId(),
        key: input.key,
        name: input.name,
        category: input.category,
        critical: input.critical ?? false,
        channels: input.channels,
        ...guaranteeColumns(input.guarantees),
        system,
      })
      if (!row) throw new AppError('conflict', `A notification type "${input.key}" already exists`)
      await audit.append(tx, {
        actor,
        action: 'notification_type.created',
        targetType: 'notification_type',
        targetId: input.key,
        data: { category: input.category, channels: input.channels, ...(input.guarantees ? { guarantees: input.guarantees } : {}) },
      })
      return typeView(row)
    })
    await types.invalidate(input.key)
    return created
  }

  async function updateType(
    actor: Principal,
    key: string,
    patch: { name?: string; category?: Category; critical?: boolean; channels?: NotifyChannel[]; guarantees?: GuaranteesInput },
  ) {
    const { guarantees, ...columns } = patch
    const updated = await db.transaction(async (tx) => {
      const row = await typesRepo.update(tx, key, { ...columns, ...guaranteeColumns(guarantees) })
      if (!row) throw new AppError('not_found', `No notification type "${key}"`)
      await audit.append(tx, { actor, action: 'notification_type.updated', targetType: 'notification_type', targetId: key, data: patch })
      return typeView(row)
    })
    await types.invalidate(key)
    return updated
  }

  async function deleteType(actor: Principal, key: string) {
    const type = await requireType(key)
    if (type.system) throw new AppError('conflict', "Caravan's own notification types can be edited but not deleted")
    await db.transaction(async (tx) => {
      await typesRepo.remove(tx, type.id)
      await audit.append(tx, { actor, action: 'notification_type.deleted', targetType: 'notification_type', targetId: key })
    })
    await types.invalidate(key)
  }

  /** Validates and stores a new version; the version number is the next one for that channel and locale. */
  async function saveTemplate(actor: Principal | 'system', key: string, channel: NotifyChannel, locale: Locale, content: TemplateContent) {
    const type = await requireType(key)
    if (!type.channels.includes(channel)) throw new AppError('unprocessable', `The type "${key}" does not use the ${channel} channel`)
    validateTemplate(channel, content)
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await db.transaction(async (tx) => {
          const row = await templatesRepo.insert(tx, {
            id: newId(),
            typeId: type.id,
            channel,
            locale,
            version: (await templatesRepo.lastVersion(tx, type.id, channel, locale)) + 1,
            content,
            createdBy: actor === 'system' ? 'system' : actor.kind === 'user' ? actor.userId : actor.keyId,
          })
          await audit.append(tx, {
            actor,
            action: 'notification_template.saved',
            targetType: 'notification_type',
            targetId: key,
            data: { channel, locale, version: row.version },
          })
          return templateView(row)
        })
        await templates.invalidate(templateKey(type.id, channel, locale))
        return saved
      } catch (e) {
        // Two saves at once: the unique (type, channel, locale, version) index refuses one; take the next number.
        if (isUniqueViolation(e) && attempt < 3) continue
        throw e
      }
    }
  }

  async function templateVersions(key: string, channel?: NotifyChannel, locale?: Locale) {
    const type = await requireType(key)
    return (await templatesRepo.versions(db, type.id, channel, locale)).map(templateView)
  }

  /** A type with the newest template of each channel and locale. */
  async function typeDetail(key: string) {
    const type = await requireType(key)
    return { type: typeView(type), templates: newestPerChannelAndLocale(await templatesRepo.versions(db, type.id)).map(templateView) }
  }

  /** Categories users cannot opt out of, as the catalogue's types say today. */
  async function criticalCategories(): Promise<Category[]> {
    return criticalCategoriesOf(await typesRepo.list(db))
  }

  /** The newest version for the locale, falling back to the default locale. */
  async function currentTemplate(typeId: string, channel: NotifyChannel, locale: Locale): Promise<TemplateRow | undefined> {
    for (const candidate of locale === DEFAULT_LOCALE ? [locale] : [locale, DEFAULT_LOCALE]) {
      const row = await templates.get(templateKey(typeId, channel, candidate))
      if (row) return row
    }
    return undefined
  }

  async function preview(
    key: string,
    input: {
      channel: NotifyChannel
      locale: Locale
      version?: number
      content?: TemplateContent
      data?: Record<string, unknown>
      digest?: RenderContext['digest']
    },
  ) {
    const type = await requireType(key)
    let content = input.content
    let version: number | null = null
    if (content) validateTemplate(input.channel, content)
    else {
      const row =
        (await templatesRepo.version(db, type.id, input.channel, input.locale, input.version)) ??
        (input.version ? undefined : await currentTemplate(type.id, input.channel, input.locale))
      if (!row)
        throw new AppError('not_found', `No ${input.channel} template for "${key}"${input.version ? ` version ${input.version}` : ''}`)
      content = row.content as TemplateContent
      version = row.version
    }
    const rendered = await renderTemplate(input.channel, content, {
      locale: input.locale,
      irr: (await deps.formats()).irr,
      data: input.data ?? {},
      ...(input.digest ? { digest: input.digest } : {}),
      user: {
        name: input.locale === 'fa' ? 'سارا' : 'Sara',
        email: 'sara@example.com',
        locale: input.locale,
        timezone: input.locale === 'fa' ? 'Asia/Tehran' : 'UTC',
      },
      brand: deps.brand,
    })
    return { channel: input.channel, locale: input.locale, version, rendered }
  }

  return {
    typeByKey,
    cachedType,
    findType: (key: string) => typeByKey(db, key),
    requireType,
    listTypes,
    createType,
    updateType,
    deleteType,
    saveTemplate,
    templateVersions,
    typeDetail,
    criticalCategories,
    currentTemplate,
    preview,
  }
}

export type Catalog = ReturnType<typeof createCatalog>
