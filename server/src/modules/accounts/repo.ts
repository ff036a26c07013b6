// SQL for the accounts tables only: no rules here, every function takes the executor to run on.
import { and, desc, eq, gt, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import type { Executor } from '../../core/db/client'
import { compiledSelect } from '../../core/db/prepared'
import { apiKeys, devices, identitySecrets, refreshTokens, users } from './tables'

export type UserRow = typeof users.$inferSelect
export type ApiKeyRow = typeof apiKeys.$inferSelect
export type DeviceRow = typeof devices.$inferSelect

/** byExternalIds, built once (core/db/prepared.ts): every payment batch created with an API key names its customers so. */
const selectByExternalIds = compiledSelect(users, (p) => sql`where ${users.externalId} = any(${p('externalIds')}::text[])`)
/** liveByIds, built once: every transfer and payment batch reads its users. */
const selectLive = compiledSelect(users, (p) => sql`where ${users.id} = any(${p('ids')}::uuid[]) and ${users.erasedAt} is null`)

export const usersRepo = {
  async insert(x: Executor, row: typeof users.$inferInsert): Promise<UserRow | undefined> {
    const [created] = await x.insert(users).values(row).onConflictDoNothing({ target: users.email }).returning()
    return created
  },
  async byEmail(x: Executor, email: string) {
    const [row] = await x.select().from(users).where(eq(users.email, email))
    return row
  },
  async byId(x: Executor, id: string) {
    const [row] = await x.select().from(users).where(eq(users.id, id))
    return row
  },
  async byExternalId(x: Executor, externalId: string) {
    const [row] = await x.select().from(users).where(eq(users.externalId, externalId))
    return row
  },
  async byExternalIds(x: Executor, externalIds: string[]) {
    return externalIds.length ? selectByExternalIds(x, { externalIds }) : []
  },
  /** Inserts a host product's user; nothing when that externalId exists (a concurrent upsert won). */
  async insertExternal(x: Executor, row: typeof users.$inferInsert): Promise<UserRow | undefined> {
    const [created] = await x.insert(users).values(row).onConflictDoNothing({ target: users.externalId }).returning()
    return created
  },
  /** `samePhoneKeepsVerified`: a phone given again unchanged keeps its verification (the profile form sends every field). */
  async update(x: Executor, id: string, patch: Partial<typeof users.$inferInsert>, samePhoneKeepsVerified = false) {
    const [row] = await x
      .update(users)
      .set({
        ...patch,
        ...(samePhoneKeepsVerified && patch.phone !== undefined
          ? { phoneVerifiedAt: sql`case when ${users.phone} is not distinct from ${patch.phone} then ${users.phoneVerifiedAt} end` }
          : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, id))
      .returning()
    return row
  },
  /**
   * Sets a new password only if the hash is still `expected` (a reset link works once even when
   * redeemed twice at the same moment); ends every session and marks the address proven.
   */
  async replacePassword(x: Executor, id: string, expected: string | null, passwordHash: string, options: { keepSessions?: boolean } = {}) {
    const [row] = await x
      .update(users)
      .set({
        passwordHash,
        // A reset ends every session; a change by the signed-in user ends the others by family instead.
        ...(options.keepSessions ? {} : { sessionVersion: sql`${users.sessionVersion} + 1` }),
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(users.id, id), sql`${users.passwordHash} is not distinct from ${expected}`))
      .returning()
    return row
  },
  async verifyEmail(x: Executor, id: string) {
    const [row] = await x
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: sql`now()` })
      .where(eq(users.id, id))
      .returning()
    return row
  },
  async list(x: Executor, options: { limit: number; beforeId?: string; role?: string; q?: string }) {
    const pattern = options.q ? `%${options.q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : undefined
    return x
      .select()
      .from(users)
      .where(
        and(
          isNull(users.erasedAt),
          options.beforeId ? lt(users.id, options.beforeId) : undefined,
          options.role ? eq(users.role, options.role as UserRow['role']) : undefined,
          pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern), ilike(users.externalId, pattern)) : undefined,
        ),
      )
      .orderBy(desc(users.id))
      .limit(options.limit)
  },
  async byIds(x: Executor, ids: string[]) {
    return ids.length ? x.select().from(users).where(inArray(users.id, ids)) : []
  },
  /** Users that can be reached: not erased. */
  async liveByIds(x: Executor, ids: string[]) {
    return ids.length ? selectLive(x, { ids }) : []
  },
  async countAdmins(x: Executor, lock = false): Promise<number> {
    if (lock) {
      // Lock the admin rows so two concurrent demotions cannot both see "another admin exists".
      const rows = await x.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).for('update')
      return rows.length
    }
    const [row] = await x
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.role, 'admin'))
    return row.n
  },
}

export const refreshTokensRepo = {
  async insert(x: Executor, row: typeof refreshTokens.$inferInsert) {
    await x.insert(refreshTokens).values(row)
  },
  /** Atomically marks a live token spent; returns it, or nothing if it was not live. */
  async spend(x: Executor, tokenHash: string) {
    const [row] = await x
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.usedAt),
          isNull(refreshTokens.revokedAt),
          sql`${refreshTokens.expiresAt} > now()`,
        ),
      )
      .returning()
    return row
  },
  async byHash(x: Executor, tokenHash: string) {
    const [row] = await x.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
    return row
  },
  async revokeFamily(x: Executor, familyId: string) {
    await x
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
  },
  async listOfUser(x: Executor, userId: string) {
    return x
      .select({
        familyId: refreshTokens.familyId,
        createdAt: refreshTokens.createdAt,
        expiresAt: refreshTokens.expiresAt,
        revokedAt: refreshTokens.revokedAt,
      })
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, userId))
      .orderBy(desc(refreshTokens.createdAt))
  },
  /** Ends every session of the user but `keepFamilyId` (the one asking). */
  async revokeOthersOfUser(x: Executor, userId: string, keepFamilyId: string) {
    await x
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt), sql`${refreshTokens.familyId} <> ${keepFamilyId}`))
  },
  async revokeAllOfUser(x: Executor, userId: string) {
    await x
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
  },
  /** Families of this user revoked after `since` (their access tokens may still be unexpired). */
  async familiesRevokedSince(x: Executor, userId: string, since: Date): Promise<string[]> {
    const rows = await x
      .selectDistinct({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(and(eq(refreshTokens.userId, userId), gt(refreshTokens.revokedAt, since)))
    return rows.map((r) => r.familyId)
  },
}

export const apiKeysRepo = {
  async insert(x: Executor, row: typeof apiKeys.$inferInsert) {
    const [created] = await x.insert(apiKeys).values(row).returning()
    return created
  },
  async byHash(x: Executor, keyHash: string) {
    const [row] = await x
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    return row
  },
  async list(x: Executor) {
    return x.select().from(apiKeys).orderBy(desc(apiKeys.createdAt))
  },
  async revoke(x: Executor, id: string) {
    const [row] = await x
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning()
    return row
  },
  async touch(x: Executor, id: string) {
    // At most one write a minute per key, however busy the key is.
    await x
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), sql`${apiKeys.lastUsedAt} < now() - interval '1 minute'`)))
  },
}

export const devicesRepo = {
  /** Insert, or move an already known token to this user (a phone changing hands, a re-login). */
  async upsert(x: Executor, row: typeof devices.$inferInsert) {
    const [saved] = await x
      .insert(devices)
      .values(row)
      .onConflictDoUpdate({
        target: [devices.kind, devices.token],
        set: { userId: row.userId, subscription: row.subscription, label: row.label, lastSeenAt: sql`now()`, disabledAt: null },
      })
      .returning()
    return saved
  },
  async listOfUser(x: Executor, userId: string) {
    return x.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.createdAt))
  },
  async deleteAllOfUser(x: Executor, userId: string) {
    await x.delete(devices).where(eq(devices.userId, userId))
  },
  async deleteOfUser(x: Executor, userId: string, id: string) {
    const removed = await x
      .delete(devices)
      .where(and(eq(devices.id, id), eq(devices.userId, userId)))
      .returning({ id: devices.id })
    return removed.length > 0
  },
  async byId(x: Executor, id: string) {
    const [row] = await x.select().from(devices).where(eq(devices.id, id))
    return row
  },
  async activeOfUsers(x: Executor, userIds: string[]) {
    return userIds.length
      ? x
          .select()
          .from(devices)
          .where(and(inArray(devices.userId, userIds), isNull(devices.disabledAt)))
      : []
  },
  async disable(x: Executor, id: string) {
    await x
      .update(devices)
      .set({ disabledAt: sql`now()` })
      .where(eq(devices.id, id))
  },
  /** Serializes one user's registrations until the transaction ends, so two at once cannot both pass the cap. */
  async lockUser(x: Executor, userId: string) {
    await x.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`devices:${userId}`}, 0))`)
  },
  /** Deletes the user's least recently seen devices beyond the `keep` most recent, never `keepId`; returns the ids removed. */
  async trimOfUser(x: Executor, userId: string, keep: number, keepId: string) {
    const beyond = x
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.userId, userId), sql`${devices.id} <> ${keepId}`))
      .orderBy(desc(devices.lastSeenAt), desc(devices.createdAt))
      .offset(Math.max(0, keep - 1))
    const removed = await x.delete(devices).where(inArray(devices.id, beyond)).returning({ id: devices.id })
    return removed.map((r) => r.id)
  },
}

export type IdentitySecretRow = typeof identitySecrets.$inferSelect

export const identitySecretsRepo = {
  /** The current secret and the previous ones still in their grace period, newest first. */
  async usable(x: Executor) {
    return x
      .select()
      .from(identitySecrets)
      .where(or(isNull(identitySecrets.expiresAt), gt(identitySecrets.expiresAt, sql`now()`)))
      .orderBy(desc(identitySecrets.createdAt))
  },
  /** Ends the current secret's life `graceSeconds` from now (never extends an earlier end) and adds the new one. */
  async rotate(x: Executor, row: typeof identitySecrets.$inferInsert, graceSeconds: number) {
    // One rotation at a time: two at once would both leave a "current" secret.
    await x.execute(sql`select pg_advisory_xact_lock(hashtextextended('identity-secrets', 0))`)
    const end = sql`now() + make_interval(secs => ${graceSeconds})`
    await x
      .update(identitySecrets)
      .set({ expiresAt: sql`least(coalesce(${identitySecrets.expiresAt}, ${end}), ${end})` })
      .where(or(isNull(identitySecrets.expiresAt), gt(identitySecrets.expiresAt, sql`now()`)))
    const [created] = await x.insert(identitySecrets).values(row).returning()
    return created
  },
}
