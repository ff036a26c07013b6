import type { UserRole } from '../../core/http/auth'

declare module '../../core/events/bus' {
  interface DomainEvents {
    /** A new account exists (sign-up, demo seed or first admin). Ids only: durable subscribers get it as a job payload. */
    'user.registered': { userId: string }
    'user.updated': { userId: string }
    'user.role_changed': { userId: string; from: UserRole; to: UserRole }
    /** A self-registered account needs (another) verification e-mail. Ids only: the link is minted when the e-mail is sent. */
    'user.verification_requested': { userId: string }
    /** Someone asked for a password reset link for this user. Ids only: the link is minted when the e-mail is sent. */
    'user.password_reset_requested': { userId: string }
  }
}
export {}
