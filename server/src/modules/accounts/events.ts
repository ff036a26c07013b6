import type { UserRole } from '../../core/http/auth'

declare module '../../core/events/bus' {
  interface DomainEvents {
    /** A new account exists (sign-up, demo seed or first admin). */
    'user.registered': { userId: string; email: string; locale: 'fa' | 'en'; name: string | null }
    'user.updated': { userId: string }
    'user.role_changed': { userId: string; from: UserRole; to: UserRole }
  }
}
export {}
