import type { UserRole } from '../../core/http/auth'

declare module '../../core/events/bus' {
  interface DomainEvents {
    /** A new account exists (sign-up, demo seed or first admin). Ids only: durable subscribers get it as a job payload. */
    'user.registered': { userId: string }
    'user.updated': { userId: string }
    'user.role_changed': { userId: string; from: UserRole; to: UserRole }
  }
}
export {}
