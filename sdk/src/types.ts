// Names for the shapes of the API, all derived from the generated OpenAPI types (schema.d.ts),
// so a server change shows up here as a type error after `npm run generate`.
import type { components, operations } from './schema'

type Schemas = components['schemas']
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined

/** The JSON body an operation accepts. */
export type RequestBody<Op extends keyof operations> =
  operations[Op] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never
/** The query parameters an operation accepts. */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>
/** The JSON body of an operation's success answer (undefined for 204). */
export type ResponseOf<Op extends keyof operations> = operations[Op]['responses'] extends infer R
  ? 200 extends keyof R ? JsonOf<R[200]> : 201 extends keyof R ? JsonOf<R[201]> : 202 extends keyof R ? JsonOf<R[202]> : undefined
  : never

export type Problem = Schemas['Problem']
export type User = Schemas['User']
export type Role = User['role']
export type Locale = User['locale']
export type ApiKey = Schemas['ApiKey']
export type Device = Schemas['Device']
export type SessionResponse = Schemas['Session']

export type RegisterInput = RequestBody<'register'>
export type LoginInput = RequestBody<'login'>
export type UpdateMeInput = RequestBody<'updateMe'>
export type RegisterDeviceInput = RequestBody<'registerDevice'>
export type CreateApiKeyInput = RequestBody<'createApiKey'>
export type CreatedApiKey = ResponseOf<'createApiKey'>
export type ListUsersQuery = QueryOf<'listUsers'>
export type UserPage = ResponseOf<'listUsers'>
export type AuditQuery = QueryOf<'listAuditLog'>
export type AuditPage = ResponseOf<'listAuditLog'>
export type AuditEntry = AuditPage['items'][number]
export type AuditVerification = ResponseOf<'verifyAuditLog'>
export type DeadJob = ResponseOf<'listDeadJobs'>['items'][number]

/** Events the server pushes to a user's sockets (room user:<id>). */
export interface RealtimeEvents {
  'user.updated': { userId: string }
  'user.role_changed': { userId: string; from: Role; to: Role }
}
