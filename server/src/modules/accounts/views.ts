// What the API shows of accounts rows: never a password hash, always ISO timestamps.
import type { ApiKeyRow, DeviceRow, UserRow } from './repo'

export type Locale = 'fa' | 'en'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function userView(u: UserRow) {
  return {
    id: u.id,
    externalId: u.externalId,
    email: u.email,
    name: u.name,
    locale: u.locale as Locale,
    timezone: u.timezone,
    phone: u.phone,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
  }
}

/** A host product's user as the host's server sees it: with its attributes. */
export function externalUserView(u: UserRow) {
  return { ...userView(u), attributes: u.attributes }
}
export function apiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  }
}

export function deviceView(d: DeviceRow) {
  return { id: d.id, kind: d.kind, token: d.token, label: d.label, createdAt: d.createdAt.toISOString(), disabled: d.disabledAt !== null }
}

/** What other modules get of a user (contactsOf, contactOf): where they can be reached, never a password hash. */
export function contactView(u: UserRow) {
  return {
    id: u.id,
    externalId: u.externalId,
    email: u.email,
    phone: u.phone,
    phoneVerified: Boolean(u.phone && u.phoneVerifiedAt),
    name: u.name,
    locale: u.locale as Locale,
    timezone: u.timezone,
    attributes: u.attributes,
    /** When Caravan first knew the user (fraud rules weigh young accounts). */
    createdAt: u.createdAt,
  }
}
export type Contact = ReturnType<typeof contactView>
