// The host product's own users: created and updated by the host's server under the host's id
// (externalId), referenced anywhere the API takes a user, given sessions by the host (API key or a
// signed identity), exported and erased on request.
import type { Audit } from '../../core/audit/service'
import type { Database, Executor } from '../../core/db/client'
import { isUniqueViolation } from '../../core/db/errors'
import { createBatchedReads } from '../../core/db/group-commit'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import type { PrivacyRegistry } from '../../core/privacy/registry'
import type { IdentityVerification } from './identity'
import { usersRepo, type UserRow } from './repo'
import type { Locale, userView } from './views'

/** What sign-in answers: the user and a token pair. */
export interface IssuedSession {
  user: ReturnType<typeof userView>
  accessToken: string
  accessTokenExpiresIn: number
  refreshToken: string
}

/** At most this much JSON in a user's attributes. */
export const ATTRIBUTES_MAX_BYTES = 8192

export interface HostProfile {
  email?: string | null
  phone?: string | null
  name?: string | null
  locale?: Locale
  timezone?: string
  attributes?: Record<string, unknown>
}

/** Up to this many externalIds, a lookup shares its query with the requests at once (createBatchedReads). */
const BATCHED_LOOKUP = 100

/** How the API names a user: the Caravan id, or the host's id (with profile fields a trigger may upsert inline). */
export type UserRef = string | ({ externalId: string } & HostProfile)

interface Deps {
  database: Database
  audit: Audit
  privacy: PrivacyRegistry
  identity: IdentityVerification
  checkTimezone(zone: string | undefined, field?: string): void
  normalizeEmail(email: string): string
  /** Drops every node's cached session state of this user (after commit). */
  changed(userId: string): Promise<void>
  issueSession(x: Executor, user: UserRow): Promise<IssuedSession>
}

export function createHostUsers(deps: Deps) {
  const { database, audit, privacy, identity } = deps
  const db = database.db
  // Most references name one user (a payment's customer): the lookups of requests at once are one
  // query. A long list is read on its own.
  // (An erased user has no externalId any more: what these find is live.)
  const readUsers = async (externalIds: string[]) =>
    new Map((await usersRepo.byExternalIds(db, externalIds)).map((u) => [u.externalId!, u]))
  const userOf = createBatchedReads(readUsers, BATCHED_LOOKUP)
  async function idsOf(externalIds: string[]): Promise<Map<string, string>> {
    const found =
      externalIds.length > BATCHED_LOOKUP
        ? [...(await readUsers(externalIds)).values()]
        : (await Promise.all(externalIds.map(userOf))).filter((u) => u !== undefined)
    return new Map(found.map((u) => [u.externalId!, u.id]))
  }

  /** 422 naming (up to five of) the externalIds that are no user. */
  function unknownExternalIds(unknown: string[], field: string) {
    const names = unknown.slice(0, 5).map((e) => `"${e}"`)
    return new AppError(
      'unprocessable',
      `No user with externalId ${names.join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
      { errors: [{ field, message: `unknown externalId ${names[0]}` }] },
    )
  }

  /** The user a request names by externalId alone (422 on `field` when none): one read shared with the requests at once. */
  async function userByExternalId(externalId: string, field: string): Promise<UserRow> {
    const user = await userOf(externalId)
    if (!user) throw unknownExternalIds([externalId], field)
    return user
  }

  function checkProfile(profile: HostProfile, field: string) {
    deps.checkTimezone(profile.timezone, `${field}.timezone`)
    if (profile.attributes !== undefined && Buffer.byteLength(JSON.stringify(profile.attributes)) > ATTRIBUTES_MAX_BYTES) {
      throw new AppError('validation', `attributes may hold at most ${ATTRIBUTES_MAX_BYTES} bytes of JSON`, {
        errors: [{ field: `${field}.attributes`, message: `must be at most ${ATTRIBUTES_MAX_BYTES} bytes as JSON` }],
      })
    }
  }

  /** The columns a profile sets: given fields only (null clears), attributes replaced whole. */
  function columnsOf(profile: HostProfile) {
    return {
      ...(profile.email !== undefined ? { email: profile.email === null ? null : deps.normalizeEmail(profile.email) } : {}),
      // The host vouches for the address it gives (it is the host's own user); a password reset still proves it again.
      ...(profile.email ? { emailVerifiedAt: new Date() } : {}),
      ...(profile.phone !== undefined ? { phone: profile.phone, phoneVerifiedAt: profile.phone ? new Date() : null } : {}),
      ...(profile.name !== undefined ? { name: profile.name?.trim() || null } : {}),
      ...(profile.locale !== undefined ? { locale: profile.locale } : {}),
      ...(profile.timezone !== undefined ? { timezone: profile.timezone } : {}),
      ...(profile.attributes !== undefined ? { attributes: profile.attributes } : {}),
    }
  }

  /** Creates or updates one user by externalId inside `x`; 409 email_taken when the address is another user's. */
  async function upsertIn(x: Executor, externalId: string, profile: HostProfile): Promise<{ user: UserRow; created: boolean }> {
    const columns = columnsOf(profile)
    try {
      let existing = await usersRepo.byExternalId(x, externalId)
      if (!existing) {
        const locale = profile.locale ?? 'en'
        const created = await usersRepo.insertExternal(x, {
          id: newId(),
          externalId,
          passwordHash: null,
          role: 'customer',
          locale,
          timezone: profile.timezone ?? (locale === 'fa' ? 'Asia/Tehran' : 'UTC'),
          ...columns,
        })
        if (created) return { user: created, created: true }
        existing = (await usersRepo.byExternalId(x, externalId))! // a concurrent upsert created it first
      }
      const changes = Object.keys(columns).length > 0
      const user = changes ? await usersRepo.update(x, existing.id, columns) : existing
      return { user: user!, created: false }
    } catch (e) {
      if (isUniqueViolation(e, 'users_email_key')) {
        throw new AppError('email_taken', `The e-mail address given for "${externalId}" belongs to another user`)
      }
      throw e
    }
  }

  async function upsert(externalId: string, profile: HostProfile) {
    checkProfile(profile, 'body')
    const result = await db.transaction((tx) => upsertIn(tx, externalId, profile))
    if (!result.created) await deps.changed(result.user.id)
    return result
  }

  /** Up to 1,000 users in one transaction: all are saved, or none. */
  async function upsertBatch(items: ({ externalId: string } & HostProfile)[]) {
    const seen = new Map<string, number>()
    items.forEach((item, i) => {
      checkProfile(item, `body.users.${i}`)
      const first = seen.get(item.externalId)
      if (first !== undefined) {
        throw new AppError('validation', `externalId "${item.externalId}" appears twice (users ${first} and ${i})`, {
          errors: [{ field: `body.users.${i}.externalId`, message: `repeats users.${first}` }],
        })
      }
      seen.set(item.externalId, i)
    })
    const results = await db.transaction(async (tx) => {
      const out: { user: UserRow; created: boolean }[] = []
      for (const [i, { externalId, ...profile }] of items.entries()) {
        try {
          out.push(await upsertIn(tx, externalId, profile))
        } catch (e) {
          if (e instanceof AppError && e.type === 'email_taken') {
            throw new AppError('email_taken', `users.${i}: ${e.message}`, {
              errors: [{ field: `body.users.${i}.email`, message: e.message }],
            })
          }
          throw e
        }
      }
      return out
    })
    for (const r of results) if (!r.created) await deps.changed(r.user.id)
    return results
  }

  async function byExternalId(externalId: string) {
    const user = await usersRepo.byExternalId(db, externalId)
    if (!user) throw new AppError('not_found', `No user with externalId "${externalId}"`)
    return user
  }

  /**
   * Caravan ids for the users a request names, in order. `{ externalId }` alone must name a user
   * (422 otherwise); with profile fields it is upserted when `upsert` is set (a trigger). Caravan ids
   * pass through: the caller checks they exist. With `ignoreUnknown`, unknown externalIds are left out
   * instead (removing users from something they are not in is not an error).
   */
  async function resolveRefs(refs: UserRef[], options: { upsert: boolean; field: string; ignoreUnknown?: boolean }): Promise<string[]> {
    const objects = refs.filter((r): r is Exclude<UserRef, string> => typeof r !== 'string')
    if (!objects.length) return refs as string[]
    const withProfile = options.upsert ? objects.filter((r) => Object.keys(r).length > 1) : []
    const ids = new Map<string, string>()
    if (withProfile.length) {
      withProfile.forEach((r) => checkProfile(r, options.field))
      const saved = await db.transaction(async (tx) => {
        const out: UserRow[] = []
        for (const { externalId, ...profile } of withProfile) out.push((await upsertIn(tx, externalId, profile)).user)
        return out
      })
      for (const u of saved) ids.set(u.externalId!, u.id)
      for (const u of saved) await deps.changed(u.id)
    }
    const missing = [...new Set(objects.map((r) => r.externalId).filter((e) => !ids.has(e)))]
    for (const [externalId, id] of await idsOf(missing)) ids.set(externalId, id)
    const unknown = missing.filter((e) => !ids.has(e))
    if (unknown.length && options.ignoreUnknown) {
      return refs.flatMap((r) => (typeof r === 'string' ? [r] : ids.has(r.externalId) ? [ids.get(r.externalId)!] : []))
    }
    if (unknown.length) throw unknownExternalIds(unknown, options.field)
    return refs.map((r) => (typeof r === 'string' ? r : ids.get(r.externalId)!))
  }

  /** Tokens for a host user, server to server (API key with sessions:create); the user is created or updated first. */
  async function openSession(ref: { externalId: string } & HostProfile) {
    const { externalId, ...profile } = ref
    checkProfile(profile, 'body')
    const { user, created } = await db.transaction((tx) => upsertIn(tx, externalId, profile))
    if (!created) await deps.changed(user.id)
    return deps.issueSession(db, user)
  }

  /** Tokens for a host user in the browser: only with the host's signature of the externalId, checked every time. */
  async function identitySession(externalId: string, signature: string) {
    if (!(await identity.verify(externalId, signature))) {
      throw new AppError('invalid_signature', 'The signature does not match this externalId under the identity secret')
    }
    const { user } = await db.transaction((tx) => upsertIn(tx, externalId, {}))
    return deps.issueSession(db, user)
  }

  /**
   * Erasure: personal fields wiped, sessions and devices gone, every module's personal data erased
   * (privacy registry), in one transaction; the row stays, anonymised, for the records that point at it.
   */
  async function erase(actor: Principal, user: UserRow) {
    if (user.role === 'admin' && (await usersRepo.countAdmins(db)) <= 1) {
      throw new AppError('conflict', 'This is the last admin; make another admin first')
    }
    await db.transaction(async (tx) => {
      if (user.role === 'admin' && (await usersRepo.countAdmins(tx, true)) <= 1) {
        throw new AppError('conflict', 'This is the last admin; make another admin first')
      }
      await usersRepo.update(tx, user.id, {
        email: null,
        phone: null,
        phoneVerifiedAt: null,
        name: null,
        externalId: null,
        passwordHash: null,
        attributes: {},
        emailVerifiedAt: null,
        role: 'customer',
        erasedAt: new Date(),
        sessionVersion: user.sessionVersion + 1,
      })
      await privacy.eraseAll(tx, user.id)
      await audit.append(tx, {
        actor,
        action: 'user.erased',
        targetType: 'user',
        targetId: user.id,
        data: { hadExternalId: user.externalId !== null },
      })
    })
    await deps.changed(user.id)
  }

  async function live(id: string) {
    const user = await usersRepo.byId(db, id)
    if (!user || user.erasedAt) throw new AppError('not_found', 'No such user')
    return user
  }

  return {
    upsert,
    upsertBatch,
    byExternalId,
    userByExternalId,
    resolveRefs,
    openSession,
    identitySession,
    eraseById: async (actor: Principal, id: string) => erase(actor, await live(id)),
    eraseByExternalId: async (actor: Principal, externalId: string) => erase(actor, await byExternalId(externalId)),
    /** Everything Caravan holds about the user, module by module. */
    exportUser: async (id: string) => ({
      exportedAt: new Date().toISOString(),
      userId: id,
      ...(await privacy.exportAll((await live(id)).id)),
    }),
  }
}

export type HostUsers = ReturnType<typeof createHostUsers>
