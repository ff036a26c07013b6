// The local control channel: how `caravan demo` and `caravan backup` work while a node owns the
// embedded database (a second process must not open it). The node announces its local URL in
// DATA_DIR/caravan.lock with a random token once it listens; these routes answer only a caller on
// this machine presenting that token. The lock file is 0600, and whoever can read it could read the
// database files anyway. Hidden from the OpenAPI document: they are the CLI's, not the API's.
import type { FastifyRequest } from 'fastify'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { ReadableStream } from 'node:stream/web'
import type { Database } from '../db/client'
import type { DataDirLock } from '../db/data-dir-lock'
import { AppError } from './errors'
import type { App } from './route'

export const CONTROL_TOKEN_HEADER = 'x-caravan-control-token'
export const CONTROL_PATHS = {
  demo: '/internal/local/demo',
  backup: '/internal/local/backup',
  keysRotate: '/internal/local/keys/rotate',
  keysStatus: '/internal/local/keys/status',
  ledgerCheck: '/internal/local/ledger/check',
} as const

/** What `caravan keys` shows: the active data key, all keys, and what is still under older ones. */
export interface KeyStatus {
  activeKeyId: string
  keyIds: string[]
  remaining: Record<string, number>
}

export interface DemoPerson {
  email: string
  password: string
  role: string
}

/** The URL a process on this machine reaches the server at (a wildcard address means loopback). */
export function localUrl(address: AddressInfo | string | null): string | undefined {
  if (!address || typeof address === 'string') return undefined
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '[::1]'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address
  return `http://${host}:${address.port}`
}

/** A connection from this machine, not relayed by a proxy (a proxy on the same host connects from loopback too). */
function fromThisMachine(request: FastifyRequest): boolean {
  const { remoteAddress, localAddress } = request.raw.socket
  if (!remoteAddress) return false
  const relayed = ['forwarded', 'x-forwarded-for', 'x-real-ip'].some((h) => h in request.headers)
  const loopback = remoteAddress === '::1' || remoteAddress.startsWith('127.') || remoteAddress.startsWith('::ffff:127.')
  // Bound to one interface address, a local caller connects from that same address.
  return !relayed && (loopback || remoteAddress === localAddress)
}

const digest = (value: string) => createHash('sha256').update(value).digest()

export function controlRoutes(
  app: App,
  deps: {
    lock: DataDirLock
    database: Database
    publicUrl: string
    seedDemo: () => Promise<DemoPerson[]>
    keys: { rotate(): Promise<{ activeKeyId: string }>; status(): Promise<KeyStatus> }
    ledgerCheck: () => Promise<unknown>
  },
) {
  const expected = digest(deps.lock.token)

  app.addHook('onListen', async () => {
    const url = localUrl(app.server.address())
    if (url) deps.lock.announce(url)
  })

  const onRequest = async (request: FastifyRequest) => {
    if (!fromThisMachine(request)) throw new AppError('forbidden', 'Only the caravan command on this machine may call this')
    const given = request.headers[CONTROL_TOKEN_HEADER]
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      throw new AppError('forbidden', 'The control token is missing or wrong')
    }
  }

  app.post(CONTROL_PATHS.demo, { schema: { hide: true }, onRequest }, async (request) => {
    const people = await deps.seedDemo()
    request.log.info('demo accounts created or reset by the caravan command')
    return { people, signInUrl: deps.publicUrl }
  })

  app.post(CONTROL_PATHS.keysRotate, { schema: { hide: true }, onRequest }, async (request) => {
    const rotated = await deps.keys.rotate()
    request.log.info(rotated, 'data key rotated by the caravan command')
    return deps.keys.status()
  })

  app.post(CONTROL_PATHS.keysStatus, { schema: { hide: true }, onRequest }, async () => deps.keys.status())
  app.post(CONTROL_PATHS.ledgerCheck, { schema: { hide: true }, onRequest }, async () => deps.ledgerCheck())

  app.post(CONTROL_PATHS.backup, { schema: { hide: true }, onRequest }, async (request, reply) => {
    const dump = await deps.database.dump!()
    request.log.info({ bytes: dump.size }, 'backup taken by the caravan command')
    return reply
      .header('content-type', 'application/gzip')
      .header('content-length', dump.size)
      .send(Readable.fromWeb(dump.stream() as ReadableStream<Uint8Array>))
  })
}
