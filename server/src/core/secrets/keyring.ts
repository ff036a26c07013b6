// The key ring for content encrypted at rest: envelope encryption with data keys kept in the
// database sealed under SECRETS_KEY (table data_keys). The newest key seals; every key still
// opens. Keys live in memory; a rotation on any node drops every node's copy (invalidation bus),
// and an id this node has not seen yet reloads once, so a node never fails on a fresh key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { poolRandomBytes } from '../util/random'
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

export function createKeyRing(deps: { db: Db; secrets: SecretBox; bus?: InvalidationBus }): KeyRing {
  const { db, secrets } = deps
  let loaded: Promise<DataKey[]> | undefined
  deps.bus?.subscribe(CACHE, () => {
    loaded = undefined
  })

  async function insertKey(id: string) {
    await db
      .insert(dataKeys)
      .values({ id, wrapped: secrets.seal(randomBytes(32).toString('base64'), `${WRAP_AAD} ${id}`) })
      .onConflictDoNothing()
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
    loaded ??= load().catch((e) => {
      loaded = undefined
      throw e
    })
    return loaded
  }

  return {
    async active() {
      return (await keys()).at(-1)!
    },
    async key(id) {
      let found = (await keys()).find((k) => k.id === id)
      if (!found) {
        loaded = undefined
        found = (await keys()).find((k) => k.id === id)
      }
      if (!found) throw new Error(`no data key ${id}`)
      return found.key
    },
    async rotate() {
      const [{ n }] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from data_keys`)).rows
      // k<n+1>; two rotations at once: the second takes the next number.
      for (let next = Number(n) + 1; ; next++) {
        const id = `k${next}`
        const before = await db
          .select({ id: dataKeys.id })
          .from(dataKeys)
          .where(sql`${dataKeys.id} = ${id}`)
        if (before.length) continue
        await insertKey(id)
        loaded = undefined
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
  const nonce = poolRandomBytes(12)
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
