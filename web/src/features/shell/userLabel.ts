import type { User } from '@caravan/sdk'

/**
 * How to name a user in a sentence or a button: the e-mail address, else the host product's id
 * (its users may have no address), else Caravan's id.
 */
export const userLabel = (user: Pick<User, 'id' | 'email' | 'externalId'>): string => user.email ?? user.externalId ?? user.id
