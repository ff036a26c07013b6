// Password reset links: a signed token naming the user and a fingerprint of the password hash and
// address it was sent for. Setting a password changes the hash, so a link works once; changing the
// address voids it too. Stateless like e-mail verification: nothing stored, nothing to purge.
import { createHash } from 'node:crypto'
import type { Auth } from '../../core/http/auth'

const PURPOSE = 'reset-password'
/** How long a reset link works. */
export const PASSWORD_RESET_TTL_SECONDS = 3600

type Holder = { id: string; email: string | null; passwordHash: string | null }
const fingerprint = (u: Holder) =>
  createHash('sha256')
    .update(`${u.email ?? ''}\n${u.passwordHash ?? ''}`)
    .digest('hex')
    .slice(0, 32)

export function createPasswordReset(deps: { auth: Auth; publicUrl: string }) {
  return {
    /** The link the reset e-mail carries; the web app's /reset-password page redeems it. */
    async link(user: Holder): Promise<string> {
      const token = await deps.auth.signPurposeToken(PURPOSE, user.id, { fp: fingerprint(user) }, PASSWORD_RESET_TTL_SECONDS)
      return `${deps.publicUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`
    },
    /** The user id the token is for, or null (forged, expired, used, or the address changed). */
    async check(token: string, load: (userId: string) => Promise<Holder | undefined>): Promise<string | null> {
      const verified = await deps.auth.verifyPurposeToken(PURPOSE, token)
      if (!verified) return null
      const user = await load(verified.subject)
      return user?.email && fingerprint(user) === verified.claims.fp ? user.id : null
    },
  }
}
