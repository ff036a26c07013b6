// Accounts: sign-up, sign-in, token rotation, profile, roles, API keys and push devices.
import { createHash, randomBytes } from 'node:crypto'
import type { Audit } from '../../core/audit/service'
import type { Database, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { API_KEY_PREFIX, type Auth, type Principal, type UserRole } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { CounterStore } from '../../core/http/rate-limit-store'
import './errors'
import './events'
import { hashPassword, verifyPassword } from './passwords'
import { apiKeysRepo, devicesRepo, refreshTokensRepo, usersRepo, type ApiKeyRow, type DeviceRow, type UserRow } from './repo'

export interface AccountsDeps {
  database: Database
  auth: Auth
  audit: Audit
  events: EventBus
  counters: CounterStore
  settings: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number; loginMaxFailures: number; loginWindowSeconds: number }
}

export type Locale = 'fa' | 'en'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export function userView(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    locale: u.locale as Locale,
    timezone: u.timezone,
    phone: u.phone,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
  }
}

export function apiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  }
}

export function deviceView(d: DeviceRow) {
  return { id: d.id, kind: d.kind, token: d.token, label: d.label, createdAt: d.createdAt.toISOString(), disabled: d.disabledAt !== null }
}

function checkTimezone(zone: string | undefined) {
  if (zone !== undefined && !isTimezone(zone)) {
    throw new AppError('validation', `"${zone}" is not an IANA time zone`, {
      errors: [{ field: 'body.timezone', message: 'must be an IANA time zone such as Asia/Tehran' }],
    })
  }
}

export function createAccountsService(deps: AccountsDeps) {
  const { database, auth, audit, events, counters, settings } = deps
  const db = database.db

  async function issueSession(x: Executor, user: UserRow, familyId = newId()) {
    const refreshToken = 'rt_' + randomBytes(32).toString('base64url')
    await refreshTokensRepo.insert(x, {
      id: newId(),
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + settings.refreshTokenTtlSeconds * 1000),
    })
    const accessToken = await auth.signAccessToken({ id: user.id, role: user.role })
    return { user: userView(user), accessToken, accessTokenExpiresIn: settings.accessTokenTtlSeconds, refreshToken }
  }

  async function createUser(
    x: Executor,
    input: {
      email: string
      passwordHash: string
      name?: string | null
      locale?: Locale
      timezone?: string
      phone?: string | null
      role?: UserRole
    },
  ) {
    checkTimezone(input.timezone)
    const locale = input.locale ?? 'en'
    const created = await usersRepo.insert(x, {
      id: newId(),
      email: normalizeEmail(input.email),
      passwordHash: input.passwordHash,
      name: input.name?.trim() || null,
      locale,
      timezone: input.timezone ?? (locale === 'fa' ? 'Asia/Tehran' : 'UTC'),
      phone: input.phone ?? null,
      role: input.role ?? 'customer',
    })
    if (!created) throw new AppError('email_taken')
    return created
  }

  async function register(input: { email: string; password: string; name?: string; locale?: Locale; timezone?: string; phone?: string }) {
    checkTimezone(input.timezone)
    // Hash before the transaction: on PGlite a transaction holds the only connection.
    const passwordHash = await hashPassword(input.password)
    return events.inTransaction(db, async (tx, raise) => {
      const user = await createUser(tx, { ...input, passwordHash, role: 'customer' })
      raise(events.event('user.registered', { userId: user.id }, { userIds: [user.id] }))
      return issueSession(tx, user)
    })
  }

  async function login(input: { email: string; password: string }, ip: string) {
    const email = normalizeEmail(input.email)
    const emailKey = `login-fail:email:${sha256(email)}`
    const ipKey = `login-fail:ip:${ip}`
    const [byEmail, byIp] = await Promise.all([counters.peek(emailKey), counters.peek(ipKey)])
    const ipMax = settings.loginMaxFailures * 10
    if (byEmail.count >= settings.loginMaxFailures || byIp.count >= ipMax) {
      const wait = Math.max(
        byEmail.count >= settings.loginMaxFailures ? byEmail.resetInSeconds : 0,
        byIp.count >= ipMax ? byIp.resetInSeconds : 0,
      )
      throw new AppError('rate_limited', 'Too many failed sign-in attempts; try again later', { retryAfterSeconds: wait })
    }
    const user = await usersRepo.byEmail(db, email)
    if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) {
      await Promise.all([counters.hit(emailKey, settings.loginWindowSeconds), counters.hit(ipKey, settings.loginWindowSeconds)])
      throw new AppError('invalid_credentials')
    }
    await counters.reset(emailKey)
    return issueSession(db, user)
  }

  async function refresh(refreshToken: string) {
    const tokenHash = sha256(refreshToken)
    return db
      .transaction(async (tx) => {
        const spent = await refreshTokensRepo.spend(tx, tokenHash)
        if (!spent) {
          const known = await refreshTokensRepo.byHash(tx, tokenHash)
          // A spent token presented again means it was copied: end every session of its family.
          if (known && (known.usedAt || known.revokedAt)) {
            await refreshTokensRepo.revokeFamily(tx, known.familyId)
            await audit.append(tx, {
              actor: 'system',
              action: 'auth.refresh_token_reused',
              targetType: 'user',
              targetId: known.userId,
              data: { familyId: known.familyId },
            })
          }
          return null
        }
        const user = await usersRepo.byId(tx, spent.userId)
        if (!user) return null
        return issueSession(tx, user, spent.familyId)
      })
      .then((session) => {
        if (!session) throw new AppError('invalid_token', 'The refresh token is not valid, expired or already used')
        return session
      })
  }

  async function logout(refreshToken: string) {
    const known = await refreshTokensRepo.byHash(db, sha256(refreshToken))
    if (known) await refreshTokensRepo.revokeFamily(db, known.familyId)
  }

  async function getUser(id: string) {
    const user = await usersRepo.byId(db, id)
    if (!user) throw new AppError('not_found', 'No such user')
    return user
  }

  async function updateMe(userId: string, patch: { name?: string | null; locale?: Locale; timezone?: string; phone?: string | null }) {
    checkTimezone(patch.timezone)
    return events.inTransaction(db, async (tx, raise) => {
      const user = await usersRepo.update(tx, userId, {
        ...(patch.name !== undefined ? { name: patch.name?.trim() || null } : {}),
        ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      })
      if (!user) throw new AppError('not_found', 'No such user')
      raise(events.event('user.updated', { userId }, { userIds: [userId] }))
      return user
    })
  }

  async function listUsers(options: { limit: number; cursor?: string; role?: UserRole; q?: string }) {
    const rows = await usersRepo.list(db, {
      limit: options.limit + 1,
      beforeId: decodeCursor(options.cursor),
      role: options.role,
      q: options.q,
    })
    return pageOf(rows, options.limit, userView)
  }

  async function setRole(actor: Principal, userId: string, role: UserRole) {
    return events.inTransaction(db, async (tx, raise) => {
      const user = await usersRepo.byId(tx, userId)
      if (!user) throw new AppError('not_found', 'No such user')
      if (user.role === role) return user
      if (user.role === 'admin' && (await usersRepo.countAdmins(tx, true)) <= 1) {
        throw new AppError('conflict', 'This is the last admin; make another admin first')
      }
      const updated = await usersRepo.update(tx, userId, { role })
      await audit.append(tx, {
        actor,
        action: 'user.role_changed',
        targetType: 'user',
        targetId: userId,
        data: { from: user.role, to: role },
      })
      // Sessions carry the role: end them so the new role applies at the next sign-in.
      await refreshTokensRepo.revokeAllOfUser(tx, userId)
      raise(events.event('user.role_changed', { userId, from: user.role, to: role }, { userIds: [userId] }))
      return updated!
    })
  }

  async function createApiKey(actor: Principal, input: { name: string; scopes: string[] }) {
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url')
    return db.transaction(async (tx) => {
      const row = await apiKeysRepo.insert(tx, {
        id: newId(),
        name: input.name.trim(),
        prefix: key.slice(0, 10),
        keyHash: sha256(key),
        scopes: input.scopes,
        createdBy: actor.kind === 'user' ? actor.userId : null,
      })
      await audit.append(tx, {
        actor,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: row.id,
        data: { name: row.name, scopes: row.scopes },
      })
      return { apiKey: apiKeyView(row), key }
    })
  }

  async function revokeApiKey(actor: Principal, id: string) {
    return db.transaction(async (tx) => {
      const row = await apiKeysRepo.revoke(tx, id)
      if (!row) throw new AppError('not_found', 'No such active API key')
      await audit.append(tx, { actor, action: 'api_key.revoked', targetType: 'api_key', targetId: id, data: { name: row.name } })
    })
  }

  async function listApiKeys() {
    return (await apiKeysRepo.list(db)).map(apiKeyView)
  }

  /** For the auth layer: `ck_...` → the key's id and scopes, or null. */
  async function resolveApiKey(key: string) {
    if (key.length > 200) return null
    const row = await apiKeysRepo.byHash(db, sha256(key))
    if (!row) return null
    await apiKeysRepo.touch(db, row.id)
    return { keyId: row.id, scopes: row.scopes }
  }

  type DeviceInput =
    | { kind: 'fcm' | 'apns'; token: string; label?: string }
    | { kind: 'webpush'; subscription: { endpoint: string; keys: { p256dh: string; auth: string } }; label?: string }

  async function registerDevice(userId: string, input: DeviceInput) {
    const token = input.kind === 'webpush' ? input.subscription.endpoint : input.token
    const row = await devicesRepo.upsert(db, {
      id: newId(),
      userId,
      kind: input.kind,
      token,
      label: input.label ?? null,
      subscription: input.kind === 'webpush' ? input.subscription : null,
    })
    return deviceView(row)
  }

  /** The first admin from ADMIN_EMAIL / ADMIN_PASSWORD, only while no admin exists. */
  async function ensureAdmin(email: string, password: string): Promise<'created' | 'promoted' | 'exists'> {
    const passwordHash = await hashPassword(password)
    return events.inTransaction(db, async (tx, raise) => {
      if ((await usersRepo.countAdmins(tx, true)) > 0) return 'exists'
      const existing = await usersRepo.byEmail(tx, normalizeEmail(email))
      if (existing) {
        await usersRepo.update(tx, existing.id, { role: 'admin' })
        await audit.append(tx, {
          actor: 'system',
          action: 'user.role_changed',
          targetType: 'user',
          targetId: existing.id,
          data: { from: existing.role, to: 'admin', reason: 'ADMIN_EMAIL' },
        })
        return 'promoted'
      }
      const user = await createUser(tx, { email, passwordHash, name: 'Admin', role: 'admin' })
      await audit.append(tx, {
        actor: 'system',
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        data: { role: 'admin', reason: 'ADMIN_EMAIL' },
      })
      raise(events.event('user.registered', { userId: user.id }, { userIds: [user.id] }))
      return 'created'
    })
  }

  /** Demo accounts for trying Caravan; an existing demo user gets its password and role back. */
  async function seedDemo() {
    const people = [
      { email: 'admin@demo.caravan.local', password: 'demo-admin-1234', name: 'Demo Admin', role: 'admin' as const, locale: 'en' as const },
      {
        email: 'agent@demo.caravan.local',
        password: 'demo-agent-1234',
        name: 'پشتیبان نمونه',
        role: 'agent' as const,
        locale: 'fa' as const,
      },
      {
        email: 'customer@demo.caravan.local',
        password: 'demo-customer-1234',
        name: 'مشتری نمونه',
        role: 'customer' as const,
        locale: 'fa' as const,
      },
    ]
    for (const person of people) {
      const passwordHash = await hashPassword(person.password)
      await events.inTransaction(db, async (tx, raise) => {
        const existing = await usersRepo.byEmail(tx, person.email)
        if (existing) {
          await usersRepo.update(tx, existing.id, { role: person.role, passwordHash })
          return
        }
        const user = await createUser(tx, { ...person, passwordHash })
        await audit.append(tx, {
          actor: 'system',
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          data: { role: person.role, reason: 'demo' },
        })
        raise(events.event('user.registered', { userId: user.id }, { userIds: [user.id] }))
      })
    }
    return people.map(({ email, password, role }) => ({ email, password, role }))
  }

  return {
    register,
    login,
    refresh,
    logout,
    getUser,
    updateMe,
    listUsers,
    setRole,
    createApiKey,
    revokeApiKey,
    listApiKeys,
    resolveApiKey,
    registerDevice,
    listDevices: async (userId: string) => (await devicesRepo.listOfUser(db, userId)).map(deviceView),
    deleteDevice: async (userId: string, id: string) => {
      if (!(await devicesRepo.deleteOfUser(db, userId, id))) throw new AppError('not_found', 'No such device')
    },
    /** For notifications: where each user can be reached (no password hashes leave this module). */
    contactsOf: async (userIds: string[]) =>
      (await usersRepo.byIds(db, userIds)).map((u) => ({
        id: u.id,
        email: u.email,
        phone: u.phone,
        name: u.name,
        locale: u.locale as Locale,
        timezone: u.timezone,
      })),
    activeDevicesOf: async (userIds: string[]) =>
      (await devicesRepo.activeOfUsers(db, userIds)).map((d) => ({
        id: d.id,
        userId: d.userId,
        kind: d.kind,
        token: d.token,
        subscription: d.subscription as { endpoint: string; keys: { p256dh: string; auth: string } } | null,
      })),
    /** An active device by id, or undefined once it was removed or disabled. */
    activeDevice: async (id: string) => {
      const d = await devicesRepo.byId(db, id)
      return d && !d.disabledAt
        ? {
            id: d.id,
            userId: d.userId,
            kind: d.kind,
            token: d.token,
            subscription: d.subscription as { endpoint: string; keys: { p256dh: string; auth: string } } | null,
          }
        : undefined
    },
    /** For push providers: a token the push service rejected for good is switched off. */
    disableDevice: (id: string) => devicesRepo.disable(db, id),
    ensureAdmin,
    seedDemo,
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
