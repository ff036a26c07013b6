// The key ring for content encrypted at rest: envelope encryption with data keys kept in the
// database sealed under SECRETS_KEY (table data_keys). The newest key seals; every key still
// opens. Keys live in memory; a rotation on any node drops every node's copy (invalidation bus),
// an id this node has not seen yet reloads once, so a node never fails on a fresh key, and the copy
// is reloaded every few minutes anyway, should an invalidation message be lost.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { asc, sql } from 'drizzle-orm'
import type { InvalidationBus } from '../cache/invalidation'
import type { Db } from '../db/client'
import type { SecretBox } from './crypto'
import { SecretBoxError } from './crypto'
import { dataKeys } from './tables'

export interface DataKey {
  id: string
  key: Buffer
}

export interface KeyRing {
  active(): Promise<DataKey>
  key(id: string): Promise<Buffer>
  /** Makes a new key active (the rotation job then moves old content onto it). */
  rotate(): Promise<{ id: string }>
  ids(): Promise<string[]>
}

const CACHE = 'data-keys'
const WRAP_AAD = 'caravan data key'

/** How long a node trusts its copy of the keys without hearing of a change (a lost invalidation). */
const TTL_MS = 5 * 60_000

export function createKeyRing(deps: { db: Db; secrets: SecretBox; bus?: InvalidationBus; now?: () => number }): KeyRing {
  const { db, secrets } = deps
  const now = deps.now ?? Date.now
  let loaded: { keys: Promise<DataKey[]>; expiresAt: number } | undefined
  const drop = () => {
    loaded = undefined
  }
  deps.bus?.subscribe(CACHE, drop)

  /** Inserts a new key named `id`; false if that id exists already (another node took it). */
  async function insertKey(id: string): Promise<boolean> {
    const inserted = await db
      .insert(dataKeys)
      .values({ id, wrapped: secrets.seal(randomBytes(32).toString('base64'), `${WRAP_AAD} ${id}`) })
      .onConflictDoNothing()
      .returning({ id: dataKeys.id })
    return inserted.length > 0
  }

  async function load(): Promise<DataKey[]> {
    let rows = await db.select().from(dataKeys).orderBy(asc(dataKeys.createdAt), asc(dataKeys.id))
    if (!rows.length) {
      // Nodes starting together all insert k1; one wins, the others find it.
      await insertKey('k1')
      rows = await db.select().from(dataKeys).orderBy(asc(dataKeys.createdAt), asc(dataKeys.id))
    }
    return rows.map((r) => {
      try {
        return { id: r.id, key: Buffer.from(secrets.open(r.wrapped, `${WRAP_AAD} ${r.id}`), 'base64') }
      } catch (e) {
        if (e instanceof SecretBoxError)
          throw new Error(`data key ${r.id} cannot be opened: is SECRETS_KEY the one it was made with?`, { cause: e })
        throw e
      }
    })
  }

  function keys(): Promise<DataKey[]> {
    if (loaded && loaded.expiresAt > now()) return loaded.keys
    const current: NonNullable<typeof loaded> = {
      keys: load().catch((e) => {
        if (loaded === current) loaded = undefined
        throw e
      }),
      expiresAt: now() + TTL_MS,
    }
    loaded = current
    return current.keys
  }

  return {
    async active() {
      return (await keys()).at(-1)!
    },
    async key(id) {
      let found = (await keys()).find((k) => k.id === id)
      if (!found) {
        drop()
        found = (await keys()).find((k) => k.id === id)
      }
      if (!found) throw new Error(`no data key ${id}`)
      return found.key
    },
    async rotate() {
      // k<highest number + 1>. Two rotations at once (two nodes, or a node and the command) both
      // try that id; the insert that loses the race tries the next one, so each makes its own key.
      const { rows } = await db.execute<{ n: number }>(
        sql`select coalesce(max(substring(id from '^k([0-9]{1,9})$')::int), 0)::int as n from data_keys`,
      )
      for (let next = Number(rows[0]?.n ?? 0) + 1; ; next++) {
        const id = `k${next}`
        if (!(await insertKey(id))) continue
        drop()
        await deps.bus?.publish(CACHE, 'all')
        return { id }
      }
    },
    async ids() {
      return (await keys()).map((k) => k.id)
    },
  }
}

/** Seals text under the active key, bound to `aad` (e.g. the row's id): "<keyId>.<nonce>.<body>.<tag>". */
export async function sealText(ring: KeyRing, plaintext: string, aad: string): Promise<string> {
  const { id, key } = await ring.active()
  const nonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  cipher.setAAD(Buffer.from(`${id}\n${aad}`))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [id, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
}

export const keyIdOf = (sealed: string) => sealed.split('.')[0]

/** Opens what sealText sealed; throws if it was altered, or moved to another `aad`. */
export async function openText(ring: KeyRing, sealed: string, aad: string): Promise<string> {
  const [id, nonce, body, tag] = sealed.split('.')
  if (!id || !nonce || body === undefined || !tag) throw new SecretBoxError('not a sealed value')
  const decipher = createDecipheriv('aes-256-gcm', await ring.key(id), Buffer.from(nonce, 'base64url'))
  decipher.setAAD(Buffer.from(`${id}\n${aad}`))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretBoxError('the sealed value cannot be opened')
  }
}
