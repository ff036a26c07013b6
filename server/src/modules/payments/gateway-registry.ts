// The gateways this Caravan can charge through. Admins configure one row per gateway (credentials
// sealed with SECRETS_KEY, never returned); the rows are held in memory and dropped on every node
// when any node changes them, so choosing a gateway costs no database read. Each gateway has a
// circuit breaker on this node: after repeated transient failures routing skips it for a while.
// The built-in test gateway is on while no real gateway is enabled (the embedded default) and off
// once one is, unless an admin configures it explicitly. Other modules attach gateways of their
// own (the wallet): always on, nothing to configure, and not listed among the configurable ones.
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Audit } from '../../core/audit/service'
import type { Db } from '../../core/db/client'
import type { Currency } from '../../core/money/currency'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { createBreakerSet, type Breaker, type BreakerOptions, type BreakerState } from '../../core/net/circuit-breaker'
import type { SecretBox } from '../../core/secrets/crypto'
import { fieldsOf, type GatewayField } from './gateways/fields'
import type { Gateway, GatewayContext, GatewayFactory, GatewayName } from './gateways/types'
import { gatewayConfigsRepo } from './repo'

/** How a stored secret is shown; sent back in an update it means "keep the stored value". */
export const SECRET_MASK = '••••••'

export interface ActiveGateway {
  gateway: Gateway
  breaker: Breaker
}

interface StoredGateway {
  name: GatewayName
  enabled: boolean
  config: Record<string, unknown>
  updatedAt: Date
}

export interface GatewayView {
  name: GatewayName
  enabled: boolean
  /** stored = an admin configured it; default = the test gateway on its own default. */
  source: 'stored' | 'default'
  config: Record<string, unknown>
  /** The settings it takes, as a form. */
  fields: GatewayField[]
  currencies: string[]
  state: BreakerState
  updatedAt: string | null
}

export function createGatewayRegistry(deps: {
  db: Db
  secrets: SecretBox
  bus: InvalidationBus
  audit: Audit
  /** Every gateway but the test one, by name. */
  factories: Partial<Record<GatewayName, GatewayFactory>>
  testGateway: Gateway
  breaker?: BreakerOptions
  context?: GatewayContext
}) {
  const { db, secrets, audit, factories } = deps
  const aad = (name: string) => `payment-gateway:${name}`
  const breakers = createBreakerSet(deps.breaker)
  const instances = new Map<GatewayName, { updatedAt: number; gateway: Gateway }>()
  const attached = new Map<GatewayName, Gateway>()

  const cache = createHotCache<StoredGateway[]>({
    name: 'payments.gateways',
    bus: deps.bus,
    ttlMs: 60_000,
    maxEntries: 1,
    async load() {
      const rows = await gatewayConfigsRepo.all(db)
      return rows.map((row) => ({
        name: row.name,
        enabled: row.enabled,
        config: JSON.parse(secrets.open(row.sealedConfig, aad(row.name))) as Record<string, unknown>,
        updatedAt: row.updatedAt,
      }))
    },
  })

  function factoryFor(name: string): GatewayFactory {
    const factory = (factories as Record<string, GatewayFactory | undefined>)[name]
    if (!factory || name === 'test' || attached.has(name as GatewayName))
      throw new AppError('validation', `Unknown gateway "${name}"; one of ${Object.keys(factories).join(', ')}, test`, {
        errors: [{ field: 'params.name', message: 'unknown gateway' }],
      })
    return factory
  }

  function instance(stored: StoredGateway): Gateway {
    if (stored.name === 'test') return deps.testGateway
    const known = instances.get(stored.name)
    if (known && known.updatedAt === stored.updatedAt.getTime()) return known.gateway
    void known?.gateway.close?.().catch(() => {})
    const gateway = factoryFor(stored.name).create(stored.config, deps.context)
    instances.set(stored.name, { updatedAt: stored.updatedAt.getTime(), gateway })
    return gateway
  }

  /** The test gateway's switch: as stored, else on while no real gateway is enabled. */
  function testEnabled(rows: StoredGateway[]): boolean {
    const stored = rows.find((r) => r.name === 'test')
    return stored ? stored.enabled : !rows.some((r) => r.name !== 'test' && r.enabled)
  }

  /** Enabled gateways by name, each with this node's breaker. */
  async function active(): Promise<Map<GatewayName, ActiveGateway>> {
    const rows = await cache.get('all')
    const out = new Map<GatewayName, ActiveGateway>()
    for (const row of rows)
      if (row.enabled && row.name !== 'test') out.set(row.name, { gateway: instance(row), breaker: breakers.get(row.name) })
    if (testEnabled(rows)) out.set('test', { gateway: deps.testGateway, breaker: breakers.get('test') })
    for (const [name, gateway] of attached) out.set(name, { gateway, breaker: breakers.get(name) })
    return out
  }

  /**
   * The gateway by name even when disabled: payments already started there must still be confirmed,
   * refunded and reconciled. Undefined when it was never configured.
   */
  async function byName(name: GatewayName): Promise<Gateway | undefined> {
    if (name === 'test') return deps.testGateway
    if (attached.has(name)) return attached.get(name)
    const row = (await cache.get('all')).find((r) => r.name === name)
    return row ? instance(row) : undefined
  }

  function view(name: GatewayName, stored: StoredGateway | undefined, rows: StoredGateway[]): GatewayView {
    const secretFields = name === 'test' ? [] : (factories[name]?.secretFields ?? [])
    const config: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(stored?.config ?? {})) config[k] = secretFields.includes(k) ? (v ? SECRET_MASK : null) : v
    const factory = name === 'test' ? undefined : factories[name]
    return {
      name,
      enabled: name === 'test' ? testEnabled(rows) : (stored?.enabled ?? false),
      source: stored ? 'stored' : 'default',
      config,
      fields: factory ? fieldsOf(factory.schema, factory.secretFields) : [],
      currencies: [...(factory?.currencies ?? deps.testGateway.currencies)],
      state: breakers.stateOf(name),
      updatedAt: stored?.updatedAt.toISOString() ?? null,
    }
  }

  async function list(): Promise<GatewayView[]> {
    const rows = await cache.get('all')
    const names: GatewayName[] = ['test', ...(Object.keys(factories) as GatewayName[])]
    return names.map((name) =>
      view(
        name,
        rows.find((r) => r.name === name),
        rows,
      ),
    )
  }

  /** Creates or replaces a gateway's settings; secrets left out (or sent back masked) keep their stored value. */
  async function configure(actor: Principal, name: GatewayName, input: { enabled: boolean; config: Record<string, unknown> }) {
    await db.transaction(async (tx) => {
      // Locked: two saves at once merge their fields into the stored settings one after the other.
      const existing = await gatewayConfigsRepo.lockOne(tx, name)
      const stored = existing ? (JSON.parse(secrets.open(existing.sealedConfig, aad(name))) as Record<string, unknown>) : {}
      const given = Object.fromEntries(Object.entries(input.config).filter(([, v]) => v !== SECRET_MASK && v !== undefined))
      // null removes a stored setting (an optional one: a required one then fails the check below).
      const merged: Record<string, unknown> = { ...stored, ...given }
      for (const [key, value] of Object.entries(given)) if (value === null) delete merged[key]
      const config = name === 'test' ? {} : merged
      if (name !== 'test') {
        // Built once to check the settings (the factory names a bad field), then dropped.
        void factoryFor(name)
          .create(config, deps.context)
          .close?.()
          .catch(() => {})
      }
      await gatewayConfigsRepo.put(tx, name, input.enabled, secrets.seal(JSON.stringify(config), aad(name)))
      await audit.append(tx, {
        actor,
        action: 'payment_gateway.configured',
        targetType: 'payment_gateway',
        targetId: name,
        data: { enabled: input.enabled, fields: Object.keys(given) },
      })
    })
    await cache.invalidate('all')
    const rows = await cache.get('all')
    return view(
      name,
      rows.find((r) => r.name === name),
      rows,
    )
  }

  async function remove(actor: Principal, name: GatewayName): Promise<void> {
    await db.transaction(async (tx) => {
      if (!(await gatewayConfigsRepo.remove(tx, name))) throw new AppError('not_found', `The ${name} gateway is not configured`)
      await audit.append(tx, { actor, action: 'payment_gateway.removed', targetType: 'payment_gateway', targetId: name })
    })
    await cache.invalidate('all')
  }

  /** What a payer may pay with: the enabled gateways and their currencies (no settings). */
  async function methods(): Promise<{ gateway: GatewayName; currencies: Currency[] }[]> {
    return [...(await active())].map(([gateway, a]) => ({ gateway, currencies: [...a.gateway.currencies] }))
  }

  /** A module's own gateway (the wallet's), on from now on; it has no settings and is not listed. */
  function attach(gateway: Gateway): void {
    attached.set(gateway.name, gateway)
  }

  async function close(): Promise<void> {
    await Promise.all([...instances.values()].map((i) => i.gateway.close?.().catch(() => {})))
    instances.clear()
  }

  return { active, byName, list, methods, configure, remove, attach, close }
}

export type GatewayRegistry = ReturnType<typeof createGatewayRegistry>
