// Encryption at rest for secrets Caravan stores (provider credentials, webhook secrets):
// AES-256-GCM with a random 96-bit nonce; the key is derived from SECRETS_KEY. The output names
// its version so the scheme can change without breaking stored values.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

const VERSION = 'v1'

export class SecretBoxError extends Error {}

export function createSecretBox(secretsKey: string) {
  const key = createHash('sha256').update('caravan secrets v1\n').update(secretsKey).digest()

  function seal(plaintext: string, associatedData = ''): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, nonce)
    cipher.setAAD(Buffer.from(associatedData))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [VERSION, nonce.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
  }

  /** Throws SecretBoxError if the value was altered, sealed for other associated data, or with another key. */
  function open(sealed: string, associatedData = ''): string {
    const [version, nonce, body, tag] = sealed.split('.')
    if (version !== VERSION || !nonce || body === undefined || !tag) throw new SecretBoxError('not a sealed value')
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'))
      decipher.setAAD(Buffer.from(associatedData))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      throw new SecretBoxError('the sealed value cannot be opened with this key')
    }
  }

  return { seal, open }
}

export type SecretBox = ReturnType<typeof createSecretBox>
