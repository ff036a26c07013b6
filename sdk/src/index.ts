export {
  createCaravanClient,
  type CallOptions,
  type CaravanClient,
  type CaravanClientOptions,
  type IdempotentCallOptions,
  type Registration,
  type RequestOptions,
} from './client.js'
export { CaravanError } from './errors.js'
export { connectRealtime, REALTIME_PATH, type CaravanRealtime, type RealtimeOptions } from './realtime.js'
export { localStorageSessionStorage, memorySessionStorage, type Session, type SessionStorage } from './session.js'
export type * from './types.js'
export type { components, operations, paths } from './schema.js'
