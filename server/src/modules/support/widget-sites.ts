// Live chat widget sites: where the widget may run (allowed origins), its public token, and the
// secret hosts sign their users' ids with. Sites are read on every widget call, so they are served
// from a hot cache by token (and the allowed origins, for CORS) that every node drops on a change.
import { randomBytes } from 'node:crypto'
import type { Audit } from '../../core/audit/service'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { SecretBox } from '../../core/secrets/crypto'
import { sitesRepo, teamsRepo, type SiteRow } from './repo'
import type { WidgetLocale } from './tables'

export interface SiteInput {
  name: string
  allowedOrigins: string[]
  requireIdentity?: boolean
  teamId?: string | null
  locale?: WidgetLocale
}

/** A site as the widget check needs it: the row with its secret opened. */
export type LiveSite = SiteRow & { secret: string }

const SECRET_PREFIX = 'cws_'
const ORIGINS_KEY = 'origins'

/** An origin is scheme://host[:port] with nothing after it, as browsers send it. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value.trim())
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null
    if (value.trim().replace(/\/$/, '') !== url.origin) return null
    return url.origin
  } catch {
    return null
  }
}

export function createWidgetSites(deps: { db: Db; bus: InvalidationBus; secrets: SecretBox; audit: Audit; publicUrl: string }) {
  const { db, secrets, audit } = deps
  const sealedFor = (id: string) => `support-site:${id}`

  const byToken = createHotCache<LiveSite | null>({
    name: 'support.sites',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1000,
    async load(token) {
      const row = await sitesRepo.byToken(db, token)
      return row ? { ...row, secret: secrets.open(row.identitySecret, sealedFor(row.id)) } : null
    },
  })
  const origins = createHotCache<Set<string>>({
    name: 'support.site-origins',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1,
    load: async () => new Set(await sitesRepo.origins(db)),
  })

  async function changed(row: SiteRow) {
    await byToken.invalidate(row.token)
    await origins.invalidate(ORIGINS_KEY)
  }

  function view(row: SiteRow) {
    return {
      id: row.id,
      token: row.token,
      name: row.name,
      allowedOrigins: row.allowedOrigins,
      requireIdentity: row.requireIdentity,
      teamId: row.teamId,
      locale: row.locale,
      snippet: `<script src="${new URL('/widget.js', deps.publicUrl).href}" data-site="${row.token}" async></script>`,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    }
  }

  async function checkInput(input: Partial<SiteInput>): Promise<Partial<SiteInput>> {
    const errors: { field: string; message: string }[] = []
    let allowedOrigins: string[] | undefined
    if (input.allowedOrigins) {
      allowedOrigins = []
      for (const [i, given] of input.allowedOrigins.entries()) {
        const origin = normalizeOrigin(given)
        if (!origin)
          errors.push({ field: `body.allowedOrigins.${i}`, message: 'must be an origin like https://shop.example.com (no path)' })
        else if (!allowedOrigins.includes(origin)) allowedOrigins.push(origin)
      }
    }
    if (input.teamId && !(await teamsRepo.byId(db, input.teamId))) errors.push({ field: 'body.teamId', message: 'no such team' })
    if (input.name !== undefined && !input.name.trim()) errors.push({ field: 'body.name', message: 'must not be blank' })
    if (errors.length) throw new AppError('validation', 'The site is not valid', { errors })
    return { ...input, ...(input.name !== undefined ? { name: input.name.trim() } : {}), ...(allowedOrigins ? { allowedOrigins } : {}) }
  }

  const newSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64url')

  async function create(actor: Principal, input: SiteInput) {
    const checked = (await checkInput(input)) as SiteInput
    const id = newId()
    const identitySecret = newSecret()
    const row = await db.transaction(async (tx) => {
      const created = await sitesRepo.insert(tx, {
        id,
        token: 'cw_' + randomBytes(16).toString('base64url'),
        name: checked.name,
        allowedOrigins: checked.allowedOrigins,
        requireIdentity: checked.requireIdentity ?? false,
        teamId: checked.teamId ?? null,
        locale: checked.locale ?? 'en',
        identitySecret: secrets.seal(identitySecret, sealedFor(id)),
      })
      await audit.append(tx, {
        actor,
        action: 'support.site.created',
        targetType: 'support_site',
        targetId: id,
        data: { name: checked.name },
      })
      return created
    })
    await changed(row)
    return { site: view(row), identitySecret }
  }

  async function update(actor: Principal, id: string, patch: Partial<SiteInput>) {
    const checked = await checkInput(patch)
    const row = await db.transaction(async (tx) => {
      const updated = await sitesRepo.update(tx, id, checked)
      if (!updated) throw new AppError('not_found', 'No such site')
      await audit.append(tx, {
        actor,
        action: 'support.site.updated',
        targetType: 'support_site',
        targetId: id,
        data: { fields: Object.keys(patch) },
      })
      return updated
    })
    await changed(row)
    return view(row)
  }

  async function remove(actor: Principal, id: string) {
    const row = await db.transaction(async (tx) => {
      const deleted = await sitesRepo.delete(tx, id)
      if (!deleted) throw new AppError('not_found', 'No such site')
      await audit.append(tx, { actor, action: 'support.site.deleted', targetType: 'support_site', targetId: id, data: {} })
      return deleted
    })
    await changed(row)
  }

  /** A new identity secret, returned once; the old one stops working at once (signatures must be redone). */
  async function rotateSecret(actor: Principal, id: string) {
    const identitySecret = newSecret()
    const row = await db.transaction(async (tx) => {
      const updated = await sitesRepo.update(tx, id, { identitySecret: secrets.seal(identitySecret, sealedFor(id)) })
      if (!updated) throw new AppError('not_found', 'No such site')
      await audit.append(tx, { actor, action: 'support.site.secret_rotated', targetType: 'support_site', targetId: id, data: {} })
      return updated
    })
    await changed(row)
    return { identitySecret }
  }

  return {
    list: async () => ({ items: (await sitesRepo.list(db)).map(view) }),
    create,
    update,
    remove,
    rotateSecret,
    /** The site of a widget token, or null. */
    live: (token: string) => byToken.get(token),
    /** Does some site allow this origin? (CORS for the widget's calls) */
    originAllowed: async (origin: string) => (await origins.get(ORIGINS_KEY)).has(origin),
  }
}

export type WidgetSites = ReturnType<typeof createWidgetSites>
