// Identity verification for the host product's users in the browser. The host's server signs the
// user's externalId with the identity secret (hex HMAC-SHA256); the browser trades
// { externalId, signature } for a session at POST /v1/auth/identity. Every exchange is checked:
// there is no "already verified" shortcut. Secrets are sealed at rest, served from a hot cache, and
// a rotation keeps the previous secret working for a grace period so hosts can roll out the new one.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Audit } from '../../core/audit/service'
import { createHotCache } from '../../core/cache/hot-cache'
import type { InvalidationBus } from '../../core/cache/invalidation'
import type { Db } from '../../core/db/client'
import { newId } from '../../core/db/ids'
import type { Principal } from '../../core/http/auth'
import type { SecretBox } from '../../core/secrets/crypto'
import { identitySecretsRepo, type IdentitySecretRow } from './repo'

const SECRET_PREFIX = 'cis_'
const CACHE_KEY = 'all'

/** The signature a host computes: hex HMAC-SHA256 of the externalId (UTF-8) with the identity secret. */
export function identitySignature(secret: string, externalId: string): string {
  return createHmac('sha256', secret).update(externalId, 'utf8').digest('hex')
}

function secretView(row: IdentitySecretRow) {
  return {
    id: row.id,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
  }
}

export function createIdentityVerification(deps: { db: Db; bus: InvalidationBus; secrets: SecretBox; audit: Audit }) {
  const { db, secrets, audit } = deps
  const sealedFor = (id: string) => `identity-secret:${id}`
  const cache = createHotCache<{ secret: Buffer; expiresAt: number }[]>({
    name: 'accounts.identity-secrets',
    bus: deps.bus,
    // Also bounds how long an expired secret could still be accepted from memory: expiry is checked per use too.
    ttlMs: 30_000,
    maxEntries: 1,
    async load() {
      return (await identitySecretsRepo.usable(db)).map((r) => ({
        secret: Buffer.from(secrets.open(r.secret, sealedFor(r.id))),
        expiresAt: r.expiresAt ? r.expiresAt.getTime() : Infinity,
      }))
    },
  })

  return {
    /** True only when the signature is the HMAC of this externalId under a usable secret. */
    async verify(externalId: string, signature: string): Promise<boolean> {
      if (!/^[0-9a-f]{64}$/i.test(signature)) return false
      const given = Buffer.from(signature.toLowerCase(), 'hex')
      const now = Date.now()
      let ok = false
      // Every usable secret is tried (no early exit), so timing says nothing about which matched.
      for (const { secret, expiresAt } of await cache.get(CACHE_KEY)) {
        const expected = Buffer.from(identitySignature(secret.toString(), externalId), 'hex')
        if (timingSafeEqual(expected, given) && expiresAt > now) ok = true
      }
      return ok
    },

    /** Secrets in use (never their values): the current one and those in their grace period. */
    async list() {
      return (await identitySecretsRepo.usable(db)).map(secretView)
    },

    /** A new current secret, returned once; the previous ones stop working after `graceSeconds`. */
    async rotate(actor: Principal, graceSeconds: number) {
      const secret = SECRET_PREFIX + randomBytes(32).toString('base64url')
      const id = newId()
      const row = await db.transaction(async (tx) => {
        const created = await identitySecretsRepo.rotate(
          tx,
          {
            id,
            secret: secrets.seal(secret, sealedFor(id)),
            prefix: secret.slice(0, 10),
            createdBy: actor.kind === 'user' ? actor.userId : null,
          },
          graceSeconds,
        )
        await audit.append(tx, {
          actor,
          action: 'identity_secret.rotated',
          targetType: 'identity_secret',
          targetId: id,
          data: { graceSeconds },
        })
        return created
      })
      await cache.invalidate(CACHE_KEY)
      return { identitySecret: secretView(row), secret }
    },
  }
}

export type IdentityVerification = ReturnType<typeof createIdentityVerification>
