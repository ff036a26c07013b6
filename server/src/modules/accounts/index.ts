// The accounts module's public face: its service (for other modules) and its routes.
export { AdminSetupError, createAccountsService, type AccountsService } from './service'
export { accountsRoutes, accountsSchemas, accountsTags } from './routes'
export type { UserRef } from './host-users'
export { UserRef as UserRefSchema, UserRefUpsert as UserRefUpsertSchema } from './schemas'
// The host's signature of an externalId (hex HMAC-SHA256): the widget's sites check the same one with their own secret.
export { identitySignature } from './identity'
