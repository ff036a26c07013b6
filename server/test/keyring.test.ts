import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac, hkdfSync } from 'node:crypto'
import { createBlindIndex } from '../src/core/search/blind-index'
import { createSecretBox, SecretBoxError } from '../src/core/secrets/crypto'
import { createKeyRing, keyIdOf, openText, sealText } from '../src/core/secrets/keyring'
import { startTestCaravan, type TestCaravan } from './helpers/caravan'
import { until } from './helpers/wait'

let t: TestCaravan
beforeAll(async () => {
  t = await startTestCaravan()
})
afterAll(async () => {
  await t?.close()
})

// First: the tests after it empty data_keys under the node's feet.
describe('key rotation on a node', () => {
  it('re-seals chat messages in the background and reports what is left', async () => {
    const rotation = t.caravan.services.keyRotation
    const { chat } = t.caravan.services
    const seal = (text: string, id: string) => sealText(t.caravan.keyRing, text, id)
    // Rows sealed under the current key, as chat stores them.
    const before = await rotation.status()
    const conversation = '01900000-0000-7000-8000-000000000001'
    await t.database.query(`insert into chat_conversations (id, kind, name, last_seq) values ($1, 'group', 'rot', 3)`, [conversation])
    const ids = ['01900000-0000-7000-8000-0000000000a1', '01900000-0000-7000-8000-0000000000a2', '01900000-0000-7000-8000-0000000000a3']
    for (const [i, id] of ids.entries())
      await t.database.query(`insert into chat_messages (id, conversation_id, seq, kind, body) values ($1, $2, $3, 'text', $4)`, [
        id,
        conversation,
        i + 1,
        await seal(`message ${i}`, id),
      ])
    const { activeKeyId } = await rotation.rotate()
    expect(activeKeyId).not.toBe(before.activeKeyId)
    await until(async () => (await rotation.status()).remaining['chat messages'] === 0, 20_000, 'messages re-sealed')
    const { rows } = await t.database.query(`select id, body from chat_messages where conversation_id = $1 order by seq`, [conversation])
    expect(rows.map((r: any) => keyIdOf(r.body))).toEqual([activeKeyId, activeKeyId, activeKeyId])
    expect(await Promise.all(rows.map((r: any) => openText(t.caravan.keyRing, r.body, r.id)))).toEqual([
      'message 0',
      'message 1',
      'message 2',
    ])
    expect(chat).toBeDefined()
  })
})

describe('the key ring', () => {
  it('creates one first key however many rings start at once, and every ring opens what another sealed', async () => {
    await t.database.query('delete from data_keys')
    const secrets = createSecretBox('keyring-test-secret')
    const rings = Array.from({ length: 4 }, () => createKeyRing({ db: t.database.db, secrets }))
    const actives = await Promise.all(rings.map((r) => r.active()))
    expect(new Set(actives.map((k) => k.id))).toEqual(new Set(['k1']))
    expect(new Set(actives.map((k) => k.key.toString('hex'))).size).toBe(1)
    const sealed = await sealText(rings[0], 'سلام، secret ✓', 'row-1')
    expect(keyIdOf(sealed)).toBe('k1')
    expect(await openText(rings[3], sealed, 'row-1')).toBe('سلام، secret ✓')
    // Bound to its row, and tamper-evident.
    await expect(openText(rings[3], sealed, 'row-2')).rejects.toBeInstanceOf(SecretBoxError)
    const [kid, nonce, body, tag] = sealed.split('.')
    const flipped = Buffer.from(body, 'base64url')
    flipped[0] ^= 1
    await expect(openText(rings[3], [kid, nonce, flipped.toString('base64url'), tag].join('.'), 'row-1')).rejects.toBeInstanceOf(
      SecretBoxError,
    )
    await expect(openText(rings[3], 'garbage', 'row-1')).rejects.toBeInstanceOf(SecretBoxError)
    // Keys are stored sealed: the table alone opens nothing, and another SECRETS_KEY cannot.
    const { rows } = await t.database.query('select wrapped from data_keys')
    expect(rows[0].wrapped).not.toContain(actives[0].key.toString('base64'))
    await expect(createKeyRing({ db: t.database.db, secrets: createSecretBox('another secret') }).active()).rejects.toThrow(/SECRETS_KEY/)
  })

  it('rotates: a new key seals, old ones still open; a ring that has not heard of the new key finds it', async () => {
    await t.database.query('delete from data_keys')
    const secrets = createSecretBox('keyring-test-secret')
    const a = createKeyRing({ db: t.database.db, secrets })
    const b = createKeyRing({ db: t.database.db, secrets })
    const old = await sealText(b, 'before rotation', 'r')
    expect(await a.rotate()).toEqual({ id: 'k2' })
    const fresh = await sealText(a, 'after rotation', 'r')
    expect(keyIdOf(fresh)).toBe('k2')
    expect(await openText(b, fresh, 'r')).toBe('after rotation')
    expect(await openText(a, old, 'r')).toBe('before rotation')
    expect(await a.ids()).toEqual(['k1', 'k2'])
  })
})

describe('the blind index', () => {
  const index = createBlindIndex('blind-index-test')
  it('gives equal tokens for equal normalized words, and none the other key could match', () => {
    const a = index.tokensFor('كتاب‌هاي تازه')
    const b = index.tokensFor('کتابهای تازه')
    expect(a).toEqual(b)
    expect(createBlindIndex('another key').tokensFor('کتابهای تازه')).not.toEqual(b)
    expect(a.every((token) => /^[\w-]{16}$/.test(token))).toBe(true)
    // No plaintext in the tokens.
    expect(a.join(' ')).not.toContain('تازه')
  })
  it('matches whole words, and the last query word as a prefix', () => {
    const stored = new Set(index.tokensFor('The order ۱۲۳ arrived'))
    const finds = (q: string) => index.queryTokens(q).every((token) => stored.has(token))
    expect(finds('order 123')).toBe(true)
    expect(finds('arr')).toBe(true)
    expect(finds('ord arrived')).toBe(false)
    expect(finds('ar')).toBe(false)
    expect(finds('arrivedx')).toBe(false)
    expect(index.queryTokens('   ')).toEqual([])
  })
  it('indexes prefixes up to 16 letters: a longer typed prefix is looked up by its first 16', () => {
    const long = 'supercalifragilisticexpialidocious'
    const stored = new Set(index.tokensFor(`a ${long} word`))
    const finds = (q: string) => index.queryTokens(q).every((token) => stored.has(token))
    expect(finds('supercalifragilisticexp')).toBe(true)
    expect(finds(long)).toBe(true)
    expect(finds(`${long} word`)).toBe(true)
    expect(finds('supercalifragilx')).toBe(false)
    // The price: past 16 letters a typed prefix no longer tells words apart.
    expect(finds('supercalifragxxxx')).toBe(false)
    expect(finds('supercalifragilixxx')).toBe(true)
    // One whole word and at most 14 prefixes per word.
    expect(index.tokensFor('x'.repeat(64)).length).toBe(15)
  })
  it('keeps the stored format: HMACs of each word and of its 3- to 16-letter prefixes, by code point', () => {
    // Rows already indexed hold these tokens: a change here would leave them unfindable.
    const key = Buffer.from(hkdfSync('sha256', 'blind-index-test', Buffer.alloc(0), 'caravan blind index v1', 32))
    const hmac = (input: string) => createHmac('sha256', key).update(input).digest().subarray(0, 12).toString('base64url')
    const word = '𠀀𠀁𠀂abcdefghijklmnop'
    const prefixes = Array.from({ length: 14 }, (_, i) => [...word].slice(0, i + 3).join(''))
    expect(index.tokensFor(`كتاب ${word}`)).toEqual([
      hmac('w\0کتاب'),
      hmac('p\0کتا'),
      hmac('p\0کتاب'),
      hmac(`w\0${word}`),
      ...prefixes.map((p) => hmac(`p\0${p}`)),
    ])
  })
  it('caps the tokens of a huge text', () => {
    const huge = Array.from({ length: 5000 }, (_, i) => `word${i}`).join(' ')
    expect(index.tokensFor(huge).length).toBeLessThanOrEqual(2000)
  })
})
