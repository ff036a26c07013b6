// Accounts: sign-up, sign-in, token rotation, profile, roles, API keys and push devices.
import { createHash, randomBytes } from 'node:crypto'
import type { Audit } from '../../core/audit/service'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Database, Executor } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { EventBus } from '../../core/events/bus'
import { API_KEY_PREFIX, type Auth, type Principal, type UserPrincipal, type UserRole } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { checkUrl, UnsafeUrlError } from '../../core/net/safe-url'
import { KNOWN_WEB_PUSH_HOSTS } from '../../core/net/web-push-hosts'
import { decodeCursor, pageOf } from '../../core/http/paging'
import type { CounterStore } from '../../core/http/rate-limit-store'
import './errors'
import './events'
import { hashPassword, verifyPassword } from './passwords'
import { createApiKeyCache } from './api-key-cache'
import { createLoginGuard } from './login-guard'
import { apiKeysRepo, devicesRepo, refreshTokensRepo, usersRepo, type UserRow } from './repo'
import { createBatchedReads } from '../../core/db/group-commit'
import { createSessionCache } from './sessions'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { SecretBox } from '../../core/secrets/crypto'
import { createHostUsers, type UserRef } from './host-users'
import { createIdentityVerification } from './identity'
import { createPasswordReset } from './password-reset'
import { createEmailVerification } from './verification'
import { apiKeyView, contactView, deviceView, externalUserView, userView, type Contact, type Locale } from './views'

export interface AccountsDeps {
  database: Database
  auth: Auth
  audit: Audit
  events: EventBus
  counters: CounterStore
  bus: InvalidationBus
  secrets: SecretBox
  /** Every module's personal data, for export and erasure; accounts registers its own part here. */
  privacy: PrivacyRegistry
  settings: {
    accessTokenTtlSeconds: number
    refreshTokenTtlSeconds: number
    loginMaxFailures: number
    loginWindowSeconds: number
    /** Self-registered accounts must prove their e-mail address before signing in. */
    emailVerification: boolean
    emailVerificationTtlSeconds: number
    publicUrl: string
    /** Web Push endpoints: allowed push-service hosts, and whether loopback is allowed (tests). */
    webPushAllowedHosts?: readonly string[]
    allowLoopbackUrls?: boolean
    maxDevicesPerUser?: number
  }
}

/** Admin-only problems at start-up (ADMIN_EMAIL); main.ts prints them as one line. */
export class AdminSetupError extends Error {}

/** At least 8 characters besides spaces: "        " is not a password. */
export function checkPassword(password: string, field = 'body.password') {
  if (password.replace(/\s/gu, '').length < 8) {
    throw new AppError('validation', 'The password needs at least 8 characters other than spaces', {
      errors: [{ field, message: 'must contain at least 8 characters other than spaces' }],
    })
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

export { apiKeyView, deviceView, externalUserView, userView, type Locale }

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

function checkTimezone(zone: string | undefined, field = 'body.timezone') {
  if (zone !== undefined && !isTimezone(zone)) {
    throw new AppError('validation', `"${zone}" is not an IANA time zone`, {
      errors: [{ field, message: 'must be an IANA time zone such as Asia/Tehran' }],
    })
  }
}

export function createAccountsService(deps: AccountsDeps) {
  const { database, auth, audit, events, counters, settings } = deps
  const db = database.db
  // One user read by many requests at once (a payment's customer, a transfer's parties) is one query.
  const liveUser = createBatchedReads(async (ids: string[]) => new Map((await usersRepo.liveByIds(db, ids)).map((u) => [u.id, u])))
  const sessions = createSessionCache({ db, bus: deps.bus, accessTokenTtlSeconds: settings.accessTokenTtlSeconds })
  const apiKeyCache = createApiKeyCache({ db, bus: deps.bus })
  const loginGuard = createLoginGuard({ counters, maxFailures: settings.loginMaxFailures, windowSeconds: settings.loginWindowSeconds })
  const verification = createEmailVerification({ auth, publicUrl: settings.publicUrl, ttlSeconds: settings.emailVerificationTtlSeconds })
  const passwordReset = createPasswordReset({ auth, publicUrl: settings.publicUrl })
  const identity = createIdentityVerification({ db, bus: deps.bus, secrets: deps.secrets, audit })
  /** After a change to a user's row or sessions has committed: every node drops its copy. */
  const changed = (userId: string) => sessions.invalidate(userId)

  async function issueSession(x: Executor, user: UserRow, familyId = newId()) {
    const refreshToken = 'rt_' + randomBytes(32).toString('base64url')
    await refreshTokensRepo.insert(x, {
      id: newId(),
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + settings.refreshTokenTtlSeconds * 1000),
    })
    const accessToken = await auth.signAccessToken(user, familyId)
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
      /** False for a self-registered account while e-mail verification is on. */
      verified?: boolean
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
      emailVerifiedAt: input.verified === false ? null : new Date(),
    })
    if (!created) throw new AppError('email_taken')
    return created
  }

  async function register(input: { email: string; password: string; name?: string; locale?: Locale; timezone?: string; phone?: string }) {
    checkTimezone(input.timezone)
    checkPassword(input.password)
    // Hash before the transaction: on PGlite a transaction holds the only connection.
    const passwordHash = await hashPassword(input.password)
    return events.inTransaction(db, async (tx, raise) => {
      const user = await createUser(tx, { ...input, passwordHash, role: 'customer', verified: !settings.emailVerification })
      raise(events.event('user.registered', { userId: user.id }, { userIds: [user.id] }))
      if (settings.emailVerification) {
        raise(events.event('user.verification_requested', { userId: user.id }))
        return { user: userView(user), verificationRequired: true as const }
      }
      return { ...(await issueSession(tx, user)), verificationRequired: false as const }
    })
  }

  async function login(input: { email: string; password: string }, ip: string) {
    const email = normalizeEmail(input.email)
    await loginGuard.admit(email, ip)
    const user = await usersRepo.byEmail(db, email)
    // A host product's user without a password (null hash) fails here like a wrong password.
    if (!(await verifyPassword(user?.passwordHash ?? undefined, input.password)) || !user) {
      await loginGuard.failed(email, ip)
      throw new AppError('invalid_credentials')
    }
    await loginGuard.succeeded(email, ip)
    // Checked after the password, so the answer says nothing about an address to a stranger.
    if (!user.emailVerifiedAt) throw new AppError('email_not_verified', 'Open the link in the e-mail we sent you, or ask for a new one')
    return issueSession(db, user)
  }

  /** The link a verification e-mail carries (minted when it is sent, so job payloads carry ids only). */
  async function emailVerificationLink(userId: string) {
    const user = await usersRepo.byId(db, userId)
    return user?.email && !user.emailVerifiedAt ? verification.link({ id: user.id, email: user.email }) : null
  }

  /** Redeems a verification link: marks the address verified and signs the user in. */
  async function verifyEmail(token: string) {
    const userId = await verification.check(token, async (id) => (await usersRepo.byId(db, id))?.email ?? undefined)
    if (!userId) throw new AppError('invalid_token', 'This link is not valid or has expired; ask for a new one')
    const session = await db.transaction(async (tx) => {
      const user = await usersRepo.verifyEmail(tx, userId)
      return issueSession(tx, user!)
    })
    await changed(userId)
    return session
  }

  /** Sends a new link when the address belongs to an unverified account; says nothing either way. */
  async function resendVerification(email: string) {
    const user = await usersRepo.byEmail(db, normalizeEmail(email))
    if (!user || user.emailVerifiedAt) return
    await events.inTransaction(db, async (_tx, raise) => raise(events.event('user.verification_requested', { userId: user.id })))
  }

  /** E-mails a reset link when the address belongs to a user; says nothing either way. */
  async function requestPasswordReset(email: string) {
    const user = await usersRepo.byEmail(db, normalizeEmail(email))
    if (!user || user.erasedAt) return
    await events.inTransaction(db, async (_tx, raise) => raise(events.event('user.password_reset_requested', { userId: user.id })))
  }

  /** The link a reset e-mail carries (minted when it is sent, so job payloads carry ids only). */
  async function passwordResetLink(userId: string) {
    const user = await usersRepo.byId(db, userId)
    return user?.email && !user.erasedAt ? passwordReset.link(user) : null
  }

  /** Redeems a reset link: sets the password, ends every other session, signs in. Sets a first password for a host user. */
  async function resetPassword(token: string, password: string) {
    checkPassword(password)
    const invalid = () => new AppError('invalid_token', 'This link is not valid, has expired or was already used; ask for a new one')
    const userId = await passwordReset.check(token, (id) => usersRepo.byId(db, id))
    if (!userId) throw invalid()
    const before = await usersRepo.byId(db, userId)
    const passwordHash = await hashPassword(password)
    const session = await db.transaction(async (tx) => {
      const user = await usersRepo.replacePassword(tx, userId, before?.passwordHash ?? null, passwordHash)
      if (!user) throw invalid()
      await refreshTokensRepo.revokeAllOfUser(tx, userId)
      await audit.append(tx, { actor: 'system', action: 'user.password_reset', targetType: 'user', targetId: userId })
      return issueSession(tx, user)
    })
    await changed(userId)
    return session
  }

  /**
   * A new password from the signed-in user, who proves the current one; every other session ends
   * at once (their access tokens included), this one goes on. A user without a password (a host
   * product's user) sets a first one through a reset link instead.
   */
  async function changePassword(me: UserPrincipal, currentPassword: string, newPassword: string) {
    checkPassword(newPassword, 'body.newPassword')
    const user = await usersRepo.byId(db, me.userId)
    if (!user) throw new AppError('not_found', 'No such user')
    if (!user.passwordHash) throw new AppError('conflict', 'This account has no password yet: set one with a password reset link')
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new AppError('validation', 'The current password is not right', {
        errors: [{ field: 'body.currentPassword', message: 'is not your current password' }],
      })
    }
    const passwordHash = await hashPassword(newPassword)
    await db.transaction(async (tx) => {
      if (!(await usersRepo.replacePassword(tx, me.userId, user.passwordHash, passwordHash, { keepSessions: true }))) {
        throw new AppError('conflict', 'The password changed meanwhile; try again')
      }
      await refreshTokensRepo.revokeOthersOfUser(tx, me.userId, me.sessionId)
      await audit.append(tx, { actor: me, action: 'user.password_changed', targetType: 'user', targetId: me.userId })
    })
    await changed(me.userId)
  }

  /** "Sign out everywhere else": every session but this one ends at once. */
  async function endOtherSessions(me: UserPrincipal) {
    await refreshTokensRepo.revokeOthersOfUser(db, me.userId, me.sessionId)
    await changed(me.userId)
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
            return { reusedBy: known.userId }
          }
          return null
        }
        const user = await usersRepo.byId(tx, spent.userId)
        if (!user) return null
        return issueSession(tx, user, spent.familyId)
      })
      .then(async (session) => {
        if (session && 'reusedBy' in session) await changed(session.reusedBy)
        if (!session || 'reusedBy' in session)
          throw new AppError('invalid_token', 'The refresh token is not valid, expired or already used')
        return session
      })
  }

  /** Ends the session: its refresh tokens now, its access tokens at their next request. */
  async function logout(refreshToken: string) {
    const known = await refreshTokensRepo.byHash(db, sha256(refreshToken))
    if (!known) return
    await refreshTokensRepo.revokeFamily(db, known.familyId)
    await changed(known.userId)
  }

  async function getUser(id: string) {
    const user = await usersRepo.byId(db, id)
    if (!user) throw new AppError('not_found', 'No such user')
    return user
  }

  /** The signed-in user, from the session cache (no query on the common path). */
  async function me(userId: string) {
    const cached = await sessions.get(userId)
    if (!cached) throw new AppError('not_found', 'No such user')
    return userView(cached.user)
  }

  /** For auth: the live state of a user's sessions. */
  const sessionState = (userId: string) => sessions.get(userId)

  async function updateMe(userId: string, patch: { name?: string | null; locale?: Locale; timezone?: string; phone?: string | null }) {
    checkTimezone(patch.timezone)
    return events
      .inTransaction(db, async (tx, raise) => {
        const user = await usersRepo.update(
          tx,
          userId,
          {
            ...(patch.name !== undefined ? { name: patch.name?.trim() || null } : {}),
            ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
            ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
            ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
            // A number the user types in is unverified until the host gives it (host-users.ts).
          },
          true,
        )
        if (!user) throw new AppError('not_found', 'No such user')
        raise(events.event('user.updated', { userId }, { userIds: [userId] }))
        return user
      })
      .finally(() => changed(userId))
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
    return events
      .inTransaction(db, async (tx, raise) => {
        const user = await usersRepo.byId(tx, userId)
        if (!user) throw new AppError('not_found', 'No such user')
        if (user.role === role) return user
        if (user.role === 'admin' && (await usersRepo.countAdmins(tx, true)) <= 1) {
          throw new AppError('conflict', 'This is the last admin; make another admin first')
        }
        // A new session version ends every session at once: access tokens stop at their next request.
        const updated = await usersRepo.update(tx, userId, { role, sessionVersion: user.sessionVersion + 1 })
        await audit.append(tx, {
          actor,
          action: 'user.role_changed',
          targetType: 'user',
          targetId: userId,
          data: { from: user.role, to: role },
        })
        await refreshTokensRepo.revokeAllOfUser(tx, userId)
        raise(events.event('user.role_changed', { userId, from: user.role, to: role }, { userIds: [userId] }))
        return updated!
      })
      .finally(() => changed(userId))
  }

  async function createApiKey(actor: Principal, input: { name: string; scopes: string[] }) {
    // A scope no route checks would grant nothing while looking like it grants something.
    const known = auth.knownScopes()
    const unknown = input.scopes.map((scope, i) => ({ scope, i })).filter(({ scope }) => scope !== '*' && !known.includes(scope))
    if (unknown.length) {
      throw new AppError('validation', `Unknown scope ${unknown.map((u) => `"${u.scope}"`).join(', ')}; known: *, ${known.join(', ')}`, {
        errors: unknown.map(({ i }) => ({ field: `body.scopes.${i}`, message: `must be * or one of ${known.join(', ')}` })),
      })
    }
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
    const revoked = await db.transaction(async (tx) => {
      const row = await apiKeysRepo.revoke(tx, id)
      if (!row) throw new AppError('not_found', 'No such active API key')
      await audit.append(tx, { actor, action: 'api_key.revoked', targetType: 'api_key', targetId: id, data: { name: row.name } })
      return row
    })
    await apiKeyCache.invalidate(revoked.keyHash)
  }

  async function listApiKeys() {
    return (await apiKeysRepo.list(db)).map(apiKeyView)
  }

  /** For the auth layer: `ck_...` → the key's id and scopes, or null. Served from memory. */
  async function resolveApiKey(key: string) {
    if (key.length > 200) return null
    return apiKeyCache.resolve(sha256(key))
  }

  type DeviceInput =
    | { kind: 'fcm' | 'apns'; token: string; label?: string }
    | { kind: 'webpush'; subscription: { endpoint: string; keys: { p256dh: string; auth: string } }; label?: string }

  /**
   * A Web Push endpoint is a URL the browser (so, anyone) chose and the server will call: it must
   * be on an allowed push service and resolve to public addresses only. An allowed host that does
   * not resolve right now (a DNS hiccup) is accepted: every send checks the address it connects to.
   * Past MAX_DEVICES_PER_USER the user's least recently seen device is removed.
   */
  async function registerDevice(userId: string, input: DeviceInput) {
    const token = input.kind === 'webpush' ? input.subscription.endpoint : input.token
    if (input.kind === 'webpush') {
      // Push services are https; plain http only for tests' loopback fakes (ALLOW_LOOPBACK_URLS).
      if (!token.startsWith('https://') && !settings.allowLoopbackUrls) {
        throw new AppError('validation', 'A Web Push endpoint must be an https URL', {
          errors: [{ field: 'body.subscription.endpoint', message: 'must be an https URL' }],
        })
      }
      try {
        await checkUrl(token, {
          protocols: settings.allowLoopbackUrls ? ['https:', 'http:'] : ['https:'],
          allowedHosts: settings.webPushAllowedHosts ?? KNOWN_WEB_PUSH_HOSTS,
          allowLoopback: settings.allowLoopbackUrls ?? false,
        })
      } catch (e) {
        if (!(e instanceof UnsafeUrlError)) throw e
        if (e.reason !== 'unresolvable') {
          throw new AppError('unprocessable', `This Web Push endpoint cannot be used: ${e.message}`, {
            errors: [{ field: 'body.subscription.endpoint', message: e.message }],
          })
        }
      }
    }
    const row = await db.transaction(async (tx) => {
      await devicesRepo.lockUser(tx, userId)
      const saved = await devicesRepo.upsert(tx, {
        id: newId(),
        userId,
        kind: input.kind,
        token,
        label: input.label ?? null,
        subscription: input.kind === 'webpush' ? input.subscription : null,
      })
      await devicesRepo.trimOfUser(tx, userId, settings.maxDevicesPerUser ?? 20, saved.id)
      return saved
    })
    return deviceView(row)
  }

  /**
   * The first admin from ADMIN_EMAIL / ADMIN_PASSWORD, only while no admin exists. An existing
   * account with that address is never promoted: whoever registered it first would become admin
   * with their own password.
   */
  async function ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    checkPassword(password, 'ADMIN_PASSWORD')
    const passwordHash = await hashPassword(password)
    return events.inTransaction(db, async (tx, raise) => {
      if ((await usersRepo.countAdmins(tx, true)) > 0) return 'exists'
      if (await usersRepo.byEmail(tx, normalizeEmail(email))) {
        throw new AdminSetupError(
          `ADMIN_EMAIL ${email} belongs to an existing account that is not an admin; choose an address no account uses (that account is not promoted)`,
        )
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
          await usersRepo.update(tx, existing.id, {
            role: person.role,
            passwordHash,
            emailVerifiedAt: existing.emailVerifiedAt ?? new Date(),
            sessionVersion: existing.sessionVersion + 1,
          })
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

  const hostUsers = createHostUsers({
    database,
    audit,
    privacy: deps.privacy,
    identity,
    checkTimezone,
    normalizeEmail,
    changed,
    issueSession: (x, user) => issueSession(x, user),
  })

  // Accounts' own part of a user's personal data; the user row itself is wiped by host-users' erase.
  deps.privacy.register({
    name: 'account',
    async export(userId) {
      const user = await usersRepo.byId(db, userId)
      return {
        profile: user ? { ...externalUserView(user), emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null } : null,
        devices: (await devicesRepo.listOfUser(db, userId)).map(deviceView),
        sessions: (await refreshTokensRepo.listOfUser(db, userId)).map((t) => ({
          startedAt: t.createdAt.toISOString(),
          expiresAt: t.expiresAt.toISOString(),
          endedAt: t.revokedAt?.toISOString() ?? null,
        })),
      }
    },
    async erase(tx, userId) {
      await refreshTokensRepo.revokeAllOfUser(tx, userId)
      await devicesRepo.deleteAllOfUser(tx, userId)
    },
  })

  return {
    register,
    requestPasswordReset,
    passwordResetLink,
    changePassword,
    endOtherSessions,
    resetPassword,
    hostUsers,
    identity,
    login,
    refresh,
    logout,
    verifyEmail,
    resendVerification,
    emailVerificationLink,
    me,
    sessionState,
    /** Runs when a user's session state changed on any node (role, logout, revocation). */
    onSessionChange: (listener: (userId: string) => void) => sessions.onInvalidate(listener),
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
    /** For notifications: where each user can be reached (no password hashes leave this module); erased users are gone. */
    contactsOf: async (userIds: string[]) =>
      (userIds.length === 1 ? [await liveUser(userIds[0])].filter((u) => u !== undefined) : await usersRepo.liveByIds(db, userIds)).map(
        contactView,
      ),
    /**
     * One user a request names (a payment's customer, a transfer's recipient), as contactsOf gives
     * it; undefined when a Caravan id is no live user. An unknown externalId is a 422 on `field`;
     * with profile fields and `upsert` the user is created or updated first (resolveRefs).
     */
    contactOf: async (ref: UserRef, options: { upsert: boolean; field: string }): Promise<Contact | undefined> => {
      const byExternalIdAlone = typeof ref !== 'string' && (!options.upsert || Object.keys(ref).length === 1)
      const user = byExternalIdAlone
        ? await hostUsers.userByExternalId(ref.externalId, options.field)
        : await liveUser((await hostUsers.resolveRefs([ref], options))[0])
      return user && contactView(user)
    },
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
    /** The live user with this e-mail address (the support desk's inbound mail), if any. */
    userIdByEmail: async (email: string): Promise<string | undefined> => {
      const user = await usersRepo.byEmail(db, normalizeEmail(email))
      return user && !user.erasedAt ? user.id : undefined
    },
    /** For push providers: a token the push service rejected for good is switched off. */
    disableDevice: (id: string) => devicesRepo.disable(db, id),
    ensureAdmin,
    seedDemo,
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
