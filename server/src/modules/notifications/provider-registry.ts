// Which providers serve each channel, in which order. Admins configure them (credentials sealed
// with SECRETS_KEY, never returned); with none configured a channel uses the dev outbox. Each
// configured provider has a circuit breaker on this node. A provider instance replaced by a new
// config, or whose config is gone, is closed (HTTP/2 sessions, pooled sockets).
import { asc, eq, sql } from 'drizzle-orm'
import { createHash } from 'node:crypto'
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { ConfigError } from '../../config'
import { AppError } from '../../core/http/errors'
import type { SecretBox } from '../../core/secrets/crypto'
import { createBreaker, createBreakerSet, type Breaker } from '../../core/net/circuit-breaker'
import type { createDevOutbox } from './providers/dev-outbox'
import { redactor } from '../../core/net/service-http'
import type { Channel, CheckResult, Provider, PushTarget } from './providers/types'
import { providerConfigs } from './tables'

/** What providers need from the server's settings (not from their own config). */
export interface ProviderContext {
  network?: {
    /** ALLOW_LOOPBACK_URLS: user-supplied URLs (Web Push endpoints) may be on loopback. */
    allowLoopback: boolean
    /** Push-service hosts Web Push may call (the known ones plus WEBPUSH_ALLOWED_HOSTS). */
    webPushAllowedHosts?: readonly string[]
  }
}

export interface ProviderFactory {
  channel: Channel
  /** Throws AppError('validation') naming the bad field, or returns the provider. */
  create(config: Record<string, unknown>, context?: ProviderContext): Provider
  /** Config keys that hold secrets: listed as set/unset, never shown. */
  secretFields: string[]
  /** Config keys that say where the provider connects: changing one requires every stored secret again. */
  connectionFields: string[]
}

/** How the list shows a stored secret; sent back in a patch, it means "keep the stored value". */
export const SECRET_MASK = '••••••'

export interface ActiveProvider {
  configId: string
  provider: Provider
  maxPerSecond: number | null
  breaker: Breaker
}

type ConfigRow = typeof providerConfigs.$inferSelect
/** The provider id deliveries through the built-in Web Push sender record. */
export const BUILTIN_WEBPUSH_ID = 'builtin-webpush'
// A safety net only: a change on any node drops every node's copy at once (InvalidationBus).
const CACHE_MS = 60_000

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
  /** The built-in Web Push sender: sends to webpush devices while no webpush provider is configured. */
  builtinWebPush?: { publicKey: string; create: () => Provider }
  breaker?: { threshold?: number; openMs?: number }
  context?: ProviderContext
  bus: InvalidationBus
}) {
  const { db, secrets, audit, factories } = deps
  const context = deps.context ?? {}
  /** Builds a provider only to validate its config (throws AppError naming the field), and closes it. */
  const validate = (factory: ProviderFactory, config: Record<string, unknown>) => {
    void factory
      .create(config, context)
      .close?.()
      .catch(() => {})
  }
  const breakers = createBreakerSet(deps.breaker)
  const instances = new Map<string, { updatedAt: number; provider: Provider }>()
  let cache: { at: number; rows: ConfigRow[] } | undefined
  const CACHE_NAME = 'notifications.providers'
  deps.bus.subscribe(CACHE_NAME, () => (cache = undefined))
  /** After a change has committed: every node reloads the provider list on its next send. */
  const changed = () => deps.bus.publish(CACHE_NAME, 'all')
  const outbox: Record<Channel, ActiveProvider> = {
    email: { configId: 'dev-outbox', provider: deps.devOutbox.email, maxPerSecond: null, breaker: createBreaker() },
    sms: { configId: 'dev-outbox', provider: deps.devOutbox.sms, maxPerSecond: null, breaker: createBreaker() },
    push: { configId: 'dev-outbox', provider: deps.devOutbox.push, maxPerSecond: null, breaker: createBreaker() },
  }

  // Made at first use: the web app's own subscriptions (made with its public key) go through it.
  let builtin: ActiveProvider | undefined
  const builtinWebPush = (): ActiveProvider | undefined => {
    if (!deps.builtinWebPush) return undefined
    builtin ??= {
      configId: BUILTIN_WEBPUSH_ID,
      provider: deps.builtinWebPush.create(),
      maxPerSecond: null,
      breaker: breakers.get(BUILTIN_WEBPUSH_ID),
    }
    return builtin
  }

  const aad = (id: string) => `notification-provider:${id}`
  const started = new Date()
  const envConfigs = new Map<string, Record<string, unknown>>()
  const envRows: ConfigRow[] = (deps.envProviders ?? []).map((p, i) => {
    const factory = factories[p.provider]
    if (!factory) throw new ConfigError('NOTIFY_PROVIDERS', `item ${i}: unknown provider "${p.provider}"`)
    try {
      validate(factory, p.config)
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
      // A config removed on another node: its instance here is closed at this node's next refresh.
      const present = new Set(cache.rows.map((row) => row.id))
      for (const id of instances.keys()) if (!present.has(id)) retire(id)
    }
    return cache.rows
  }

  function instance(row: ConfigRow): Provider {
    const known = instances.get(row.id)
    if (known && known.updatedAt === row.updatedAt.getTime()) return known.provider
    if (known) retire(row.id) // the config changed (here or on another node)
    const provider = factoryFor(row.provider).create(configOf(row), context)
    instances.set(row.id, { updatedAt: row.updatedAt.getTime(), provider })
    return provider
  }

  /** Forgets an instance and closes it; sends still holding it finish (or fail transient and retry on the new one). */
  function retire(id: string): Promise<void> {
    const known = instances.get(id)
    instances.delete(id)
    return known?.provider.close?.().catch(() => {}) ?? Promise.resolve()
  }

  /** Enabled providers of a channel, in priority order; the dev outbox when there are none. */
  async function providersFor(channel: Channel, pushKind?: PushTarget['kind']): Promise<ActiveProvider[]> {
    const active: ActiveProvider[] = []
    for (const row of await rows()) {
      if (row.channel !== channel || !row.enabled) continue
      const provider = instance(row)
      if (pushKind && provider.channel === 'push' && !provider.kinds.includes(pushKind)) continue
      const breaker = breakers.get(row.id)
      active.push({ configId: row.id, provider, maxPerSecond: row.maxPerSecond, breaker })
    }
    if (active.length) return active
    const fallback = pushKind === 'webpush' ? builtinWebPush() : undefined
    return [fallback ?? outbox[channel]]
  }

  /**
   * The VAPID public key browsers must subscribe with: the first enabled Web Push provider's, else
   * the built-in sender's (null when there is neither). A subscription made with another key is
   * refused by the push service.
   */
  async function webPushPublicKey(): Promise<string | null> {
    const row = (await rows()).find((r) => r.provider === 'webpush' && r.enabled)
    if (row) return String(configOf(row).vapidPublicKey)
    return deps.builtinWebPush?.publicKey ?? null
  }

  function view(row: ConfigRow) {
    const factory = factories[row.provider]
    const config = configOf(row)
    const shown: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(config)) shown[k] = factory?.secretFields.includes(k) ? (v ? SECRET_MASK : null) : v
    return {
      id: row.id,
      channel: row.channel,
      provider: row.provider,
      priority: row.priority,
      enabled: row.enabled,
      maxPerSecond: row.maxPerSecond,
      config: shown,
      state: breakers.stateOf(row.id),
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
    validate(factory, input.config)
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
    await changed()
    return view(row)
  }

  async function update(
    actor: Principal,
    id: string,
    patch: { priority?: number; enabled?: boolean; maxPerSecond?: number | null; config?: Record<string, unknown> },
  ) {
    if (fromEnv(id)) throw new AppError('conflict', 'This provider is configured in NOTIFY_PROVIDERS; change it there')
    const row = await db.transaction(async (tx) => {
      // Locked: two edits at once merge their fields into the stored config one after the other.
      const [existing] = await tx.select().from(providerConfigs).where(eq(providerConfigs.id, id)).for('update')
      if (!existing) throw new AppError('not_found', 'No such provider')
      let sealedConfig: string | undefined
      if (patch.config) {
        // Secret fields left out of a patch keep their stored value: the UI never has them to send back.
        const stored = JSON.parse(secrets.open(existing.sealedConfig, aad(id))) as Record<string, unknown>
        const given = Object.fromEntries(Object.entries(patch.config).filter(([, v]) => v !== SECRET_MASK && v !== undefined))
        const factory = factoryFor(existing.provider)
        requireSecretsForNewConnection(factory, stored, given)
        const merged = { ...stored, ...given }
        validate(factory, merged)
        sealedConfig = secrets.seal(JSON.stringify(merged), aad(id))
      }
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
    await changed()
    await retire(id)
    return view(row)
  }

  async function remove(actor: Principal, id: string) {
    if (fromEnv(id)) throw new AppError('conflict', 'This provider is configured in NOTIFY_PROVIDERS; change it there')
    await db.transaction(async (tx) => {
      const gone = await tx.delete(providerConfigs).where(eq(providerConfigs.id, id)).returning({ id: providerConfigs.id })
      if (!gone.length) throw new AppError('not_found', 'No such provider')
      await audit.append(tx, { actor, action: 'notification_provider.deleted', targetType: 'notification_provider', targetId: id })
    })
    await changed()
    await retire(id)
  }

  /** The provider behind a configured id (for webhooks and status look-ups). */
  async function byConfigId(id: string): Promise<Provider | undefined> {
    const row = (await rows()).find((r) => r.id === id) ?? (await db.select().from(providerConfigs).where(eq(providerConfigs.id, id)))[0]
    return row ? instance(row) : undefined
  }

  /** Asks the service whether this provider's credentials work (nothing is delivered). */
  async function check(id: string): Promise<CheckResult> {
    const row = (await rows()).find((r) => r.id === id) ?? (await db.select().from(providerConfigs).where(eq(providerConfigs.id, id)))[0]
    if (!row) throw new AppError('not_found', 'No such provider')
    const config = configOf(row)
    // Whatever a provider or a transport puts in its answer, no configured secret goes back out.
    const redact = redactor(secretValues(factoryFor(row.provider), config))
    try {
      const result = await instance(row).check()
      return { ok: result.ok, detail: redact(result.detail) }
    } catch (e) {
      return { ok: false, detail: redact((e as Error)?.message ?? String(e)) }
    }
  }

  /** Closes every provider instance (at shutdown). */
  async function closeAll(): Promise<void> {
    await Promise.all([...instances.keys()].map(retire))
    await builtin?.provider.close?.().catch(() => {})
    builtin = undefined
  }

  /** The breaker of one scope of a provider (Web Push: a push service's host), on this node. */
  const breakerFor = (configId: string, scope: string) => breakers.get(configId, scope)

  return { providersFor, webPushPublicKey, breakerFor, list, create, update, remove, byConfigId, check, closeAll, factories }
}

/**
 * A patch that moves a provider to another place (a connection field changes) must carry every
 * stored secret again: otherwise anyone who can edit settings could send the stored credentials
 * to a host of their choosing. Omitted and masked secrets count as not given. Throws 422 naming
 * the secret fields; nothing is changed.
 */
function requireSecretsForNewConnection(factory: ProviderFactory, stored: Record<string, unknown>, given: Record<string, unknown>) {
  const moved = factory.connectionFields.filter((field) => field in given && !sameConnection(given[field], stored[field]))
  if (!moved.length) return
  // Secrets the stored config does not have (an SMTP server without a login) have nothing to protect.
  const missing = factory.secretFields.filter((field) => isSet(stored[field]) && !isSet(given[field]))
  if (!missing.length) return
  throw new AppError('unprocessable', `Changing ${moved.join(', ')} requires ${missing.join(', ')} again`, {
    errors: missing.map((field) => ({ field: `body.config.${field}`, message: `must be given again when ${moved.join(', ')} changes` })),
  })
}

const isSet = (value: unknown) => value !== undefined && value !== null && value !== ''

// An unset flag is false, and "https://host/" is "https://host": neither is a move.
function sameConnection(a: unknown, b: unknown): boolean {
  const normal = (v: unknown) => (v === undefined || v === null || v === false ? null : typeof v === 'string' ? v.replace(/\/+$/, '') : v)
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b))
}

/** Every secret string in a config; in a secret object (a service account) the key-like members only, not its project or e-mail. */
function secretValues(factory: ProviderFactory, config: Record<string, unknown>): string[] {
  return factory.secretFields.flatMap((field) => {
    const value = config[field]
    if (typeof value === 'string') return [value]
    if (!value || typeof value !== 'object') return []
    return Object.entries(value).flatMap(([name, member]) => (typeof member === 'string' && /key|secret|pass/i.test(name) ? [member] : []))
  })
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>
