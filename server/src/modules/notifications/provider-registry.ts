// Which providers serve each channel, in which order. Admins configure them (credentials sealed
// with SECRETS_KEY, never returned); with none configured a channel uses the dev outbox. Each
// configured provider has a circuit breaker on this node.
import { asc, eq, sql } from 'drizzle-orm'
import { createHash } from 'node:crypto'
import type { Audit } from '../../core/audit/service'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { ConfigError } from '../../config'
import { AppError } from '../../core/http/errors'
import type { SecretBox } from '../../core/secrets/crypto'
import { createBreaker, type Breaker } from './circuit-breaker'
import type { createDevOutbox } from './providers/dev-outbox'
import type { Channel, Provider, PushTarget } from './providers/types'
import { providerConfigs } from './tables'

export interface ProviderFactory {
  channel: Channel
  /** Throws AppError('validation') naming the bad field, or returns the provider. */
  create(config: Record<string, unknown>): Provider
  /** Config keys that hold secrets: listed as set/unset, never shown. */
  secretFields: string[]
}

export interface ActiveProvider {
  configId: string
  provider: Provider
  maxPerSecond: number | null
  breaker: Breaker
}

type ConfigRow = typeof providerConfigs.$inferSelect
const CACHE_MS = 5_000

/** A provider given in env (NOTIFY_PROVIDERS): tried like stored ones, never stored, not editable. */
export interface EnvProvider {
  provider: string
  priority?: number
  maxPerSecond?: number | null
  enabled?: boolean
  config: Record<string, unknown>
}

/** A stable UUID for the n-th env provider, so its webhook address survives restarts. */
export function envProviderId(index: number, provider: string): string {
  const hex = createHash('sha256').update(`env-provider:${index}:${provider}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function createProviderRegistry(deps: {
  db: Db
  secrets: SecretBox
  audit: Audit
  devOutbox: ReturnType<typeof createDevOutbox>
  factories: Record<string, ProviderFactory>
  envProviders?: EnvProvider[]
  breaker?: { threshold?: number; openMs?: number }
}) {
  const { db, secrets, audit, factories } = deps
  const breakers = new Map<string, Breaker>()
  const instances = new Map<string, { updatedAt: number; provider: Provider }>()
  let cache: { at: number; rows: ConfigRow[] } | undefined
  const outbox: Record<Channel, ActiveProvider> = {
    email: { configId: 'dev-outbox', provider: deps.devOutbox.email, maxPerSecond: null, breaker: createBreaker() },
    sms: { configId: 'dev-outbox', provider: deps.devOutbox.sms, maxPerSecond: null, breaker: createBreaker() },
    push: { configId: 'dev-outbox', provider: deps.devOutbox.push, maxPerSecond: null, breaker: createBreaker() },
  }

  const aad = (id: string) => `notification-provider:${id}`
  const started = new Date()
  const envConfigs = new Map<string, Record<string, unknown>>()
  const envRows: ConfigRow[] = (deps.envProviders ?? []).map((p, i) => {
    const factory = factories[p.provider]
    if (!factory) throw new ConfigError('NOTIFY_PROVIDERS', `item ${i}: unknown provider "${p.provider}"`)
    try {
      factory.create(p.config)
    } catch (e) {
      // fail at start, not at the first send
      const fields = e instanceof AppError ? (e.extra.errors ?? []).map((f) => `${f.field} ${f.message}`).join('; ') : ''
      throw new ConfigError('NOTIFY_PROVIDERS', `item ${i} (${p.provider}): ${fields || (e as Error).message}`)
    }
    const id = envProviderId(i, p.provider)
    envConfigs.set(id, p.config)
    return {
      id,
      channel: factory.channel,
      provider: p.provider,
      priority: p.priority ?? i,
      enabled: p.enabled ?? true,
      maxPerSecond: p.maxPerSecond ?? null,
      sealedConfig: '',
      createdAt: started,
      updatedAt: started,
    }
  })
  const configOf = (row: ConfigRow): Record<string, unknown> =>
    envConfigs.get(row.id) ?? JSON.parse(secrets.open(row.sealedConfig, aad(row.id)))
  const fromEnv = (id: string) => envConfigs.has(id)

  function factoryFor(name: string): ProviderFactory {
    const factory = factories[name]
    if (!factory)
      throw new AppError('validation', `Unknown provider "${name}"; one of ${Object.keys(factories).join(', ')}`, {
        errors: [{ field: 'body.provider', message: 'unknown provider' }],
      })
    return factory
  }

  async function rows(): Promise<ConfigRow[]> {
    if (!cache || Date.now() - cache.at > CACHE_MS) {
      const stored = await db.select().from(providerConfigs).orderBy(asc(providerConfigs.priority), asc(providerConfigs.createdAt))
      cache = { at: Date.now(), rows: [...envRows, ...stored].sort((a, b) => a.priority - b.priority) }
    }
    return cache.rows
  }

  function instance(row: ConfigRow): Provider {
    const known = instances.get(row.id)
    if (known && known.updatedAt === row.updatedAt.getTime()) return known.provider
    const provider = factoryFor(row.provider).create(configOf(row))
    instances.set(row.id, { updatedAt: row.updatedAt.getTime(), provider })
    return provider
  }

  /** Enabled providers of a channel, in priority order; the dev outbox when there are none. */
  async function providersFor(channel: Channel, pushKind?: PushTarget['kind']): Promise<ActiveProvider[]> {
    const active: ActiveProvider[] = []
    for (const row of await rows()) {
      if (row.channel !== channel || !row.enabled) continue
      const provider = instance(row)
      if (pushKind && provider.channel === 'push' && !provider.kinds.includes(pushKind)) continue
      let breaker = breakers.get(row.id)
      if (!breaker) breakers.set(row.id, (breaker = createBreaker(deps.breaker)))
      active.push({ configId: row.id, provider, maxPerSecond: row.maxPerSecond, breaker })
    }
    return active.length ? active : [outbox[channel]]
  }

  function view(row: ConfigRow) {
    const factory = factories[row.provider]
    const config = configOf(row)
    const shown: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(config)) shown[k] = factory?.secretFields.includes(k) ? (v ? '••••••' : null) : v
    return {
      id: row.id,
      channel: row.channel,
      provider: row.provider,
      priority: row.priority,
      enabled: row.enabled,
      maxPerSecond: row.maxPerSecond,
      config: shown,
      state: breakers.get(row.id)?.state ?? 'closed',
      source: fromEnv(row.id) ? ('env' as const) : ('admin' as const),
      updatedAt: row.updatedAt.toISOString(),
    }
  }

  async function list() {
    cache = undefined
    return (await rows()).map(view)
  }

  async function create(
    actor: Principal,
    input: { provider: string; priority?: number; enabled?: boolean; maxPerSecond?: number | null; config: Record<string, unknown> },
  ) {
    const factory = factoryFor(input.provider)
    factory.create(input.config) // validates
    const id = newId()
    const row = await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(providerConfigs)
        .values({
          id,
          channel: factory.channel,
          provider: input.provider,
          priority: input.priority ?? 100,
          enabled: input.enabled ?? true,
          maxPerSecond: input.maxPerSecond ?? null,
          sealedConfig: secrets.seal(JSON.stringify(input.config), aad(id)),
        })
        .returning()
      await audit.append(tx, {
        actor,
        action: 'notification_provider.created',
        targetType: 'notification_provider',
        targetId: id,
        data: { provider: input.provider, channel: factory.channel },
      })
      return created
    })
    cache = undefined
    return view(row)
  }

  async function update(
    actor: Principal,
    id: string,
    patch: { priority?: number; enabled?: boolean; maxPerSecond?: number | null; config?: Record<string, unknown> },
  ) {
    if (fromEnv(id)) throw new AppError('conflict', 'This provider is configured in NOTIFY_PROVIDERS; change it there')
    const [existing] = await db.select().from(providerConfigs).where(eq(providerConfigs.id, id))
    if (!existing) throw new AppError('not_found', 'No such provider')
    let sealedConfig: string | undefined
    if (patch.config) {
      // Secret fields left out of a patch keep their stored value: the UI never has them to send back.
      const stored = JSON.parse(secrets.open(existing.sealedConfig, aad(id))) as Record<string, unknown>
      const merged = { ...stored, ...Object.fromEntries(Object.entries(patch.config).filter(([, v]) => v !== '••••••')) }
      factoryFor(existing.provider).create(merged)
      sealedConfig = secrets.seal(JSON.stringify(merged), aad(id))
    }
    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(providerConfigs)
        .set({
          ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(patch.maxPerSecond !== undefined ? { maxPerSecond: patch.maxPerSecond } : {}),
          ...(sealedConfig ? { sealedConfig } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(providerConfigs.id, id))
        .returning()
      await audit.append(tx, {
        actor,
        action: 'notification_provider.updated',
        targetType: 'notification_provider',
        targetId: id,
        data: { fields: Object.keys(patch) },
      })
      return updated
    })
    cache = undefined
    return view(row)
  }

  async function remove(actor: Principal, id: string) {
    if (fromEnv(id)) throw new AppError('conflict', 'This provider is configured in NOTIFY_PROVIDERS; change it there')
    await db.transaction(async (tx) => {
      const gone = await tx.delete(providerConfigs).where(eq(providerConfigs.id, id)).returning({ id: providerConfigs.id })
      if (!gone.length) throw new AppError('not_found', 'No such provider')
      await audit.append(tx, { actor, action: 'notification_provider.deleted', targetType: 'notification_provider', targetId: id })
    })
    cache = undefined
  }

  /** The provider behind a configured id (for webhooks and status look-ups). */
  async function byConfigId(id: string): Promise<Provider | undefined> {
    const row = (await rows()).find((r) => r.id === id) ?? (await db.select().from(providerConfigs).where(eq(providerConfigs.id, id)))[0]
    return row ? instance(row) : undefined
  }

  return { providersFor, list, create, update, remove, byConfigId, factories }
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>
