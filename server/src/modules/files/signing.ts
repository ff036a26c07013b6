// Download links: the file id, the variant and an expiry, signed with HMAC-SHA256 under a key
// derived from the node's SECRETS_KEY (the same on every node, so any node checks any link). A
// link is a capability: whoever holds it may fetch the bytes until it expires, with no auth header
// (an <img src> cannot send one). Expiries are rounded up to the minute, so asking twice within a
// minute gives the same link and a browser's cache can hold the image.
import { createHash, createHmac } from 'node:crypto'
import { sameSecret } from '../../core/util/same-secret'

export type Variant = 'original' | 'thumbnail'

export function createUrlSigner(options: { secret: string; publicUrl: string; ttlSeconds: number }) {
  const key = createHash('sha256').update('caravan file links v1\n').update(options.secret).digest()
  const base = options.publicUrl.replace(/\/+$/, '')
  const sign = (id: string, variant: Variant, expires: number) =>
    createHmac('sha256', key).update(`${id}\n${variant}\n${expires}`).digest('base64url')

  return {
    /** A link to `variant` of file `id`, valid ttlSeconds (up to a minute more). */
    url(id: string, variant: Variant, now = Date.now()): string {
      const expires = Math.ceil((now / 1000 + options.ttlSeconds) / 60) * 60
      return `${base}/v1/files/${id}/content?variant=${variant}&expires=${expires}&signature=${sign(id, variant, expires)}`
    },
    /** Seconds the link has left, or null when its signature or expiry is not good. */
    check(id: string, variant: Variant, expires: number, signature: string, now = Date.now()): number | null {
      if (!sameSecret(sign(id, variant, expires), signature)) return null
      const left = expires - Math.floor(now / 1000)
      return left > 0 ? left : null
    },
  }
}

export type UrlSigner = ReturnType<typeof createUrlSigner>
