// E-mail verification links: a signed token naming the user and a hash of the address it was sent
// to, so a link stops working once the address changes. Stateless: nothing to store or purge;
// verifying twice is harmless.
import { createHash } from 'node:crypto'
import type { Auth } from '../../core/http/auth'

const PURPOSE = 'verify-email'
const emailHash = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 32)

export function createEmailVerification(deps: { auth: Auth; publicUrl: string; ttlSeconds: number }) {
  return {
    /** The link the verification e-mail carries; the web app's /verify-email page redeems it. */
    async link(user: { id: string; email: string }): Promise<string> {
      const token = await deps.auth.signPurposeToken(PURPOSE, user.id, { eh: emailHash(user.email) }, deps.ttlSeconds)
      return `${deps.publicUrl.replace(/\/$/, '')}/verify-email?token=${encodeURIComponent(token)}`
    },
    /** The user id a token verifies for this address, or null (forged, expired, or the address changed). */
    async check(token: string, currentEmail: (userId: string) => Promise<string | undefined>): Promise<string | null> {
      const verified = await deps.auth.verifyPurposeToken(PURPOSE, token)
      if (!verified) return null
      const email = await currentEmail(verified.subject)
      return email !== undefined && emailHash(email) === verified.claims.eh ? verified.subject : null
    },
  }
}
