// socket.io at /realtime. The handshake must carry `auth: { token }` (a JWT access token);
// each socket joins `user:<id>`, and is disconnected when its token expires so the client
// reconnects with a fresh one. Every event re-checks the session (role, revocation) from the
// hot session cache, and a socket whose session ends is disconnected at once. With Redis, the
// adapter fans emits out to every node.
import { createAdapter } from '@socket.io/redis-adapter'
import type { Server as HttpServer } from 'node:http'
import type { Logger } from 'pino'
import { Server, type Socket } from 'socket.io'
import type { Redis } from 'ioredis'
import type { Auth, UserPrincipal, UserRole, WidgetCredentials } from '../http/auth'
import { AppError } from '../http/errors'
import type { Metrics } from '../metrics/registry'

export const REALTIME_PATH = '/realtime'

declare module 'socket.io' {
  interface Socket {
    principal: UserPrincipal
    sessionVersion: number
  }
}

type SocketHandler = (payload: unknown, socket: Socket) => Promise<unknown>

/** The widget's handshake: `auth: { widget: { site, token, identity? } }`, with the page's Origin. */
function widgetCredentials(socket: Socket): WidgetCredentials | undefined {
  const given: unknown = socket.handshake.auth?.widget
  if (!given || typeof given !== 'object') return undefined
  const { site, token, identity } = given as Record<string, unknown>
  return {
    token: typeof token === 'string' ? token : '',
    site: typeof site === 'string' ? site : undefined,
    identity: typeof identity === 'string' ? identity : undefined,
    origin: socket.handshake.headers.origin,
  }
}

export function userRoom(userId: string) {
  return `user:${userId}`
}

export function createRealtime(options: {
  httpServer: HttpServer
  auth: Auth
  logger: Logger
  metrics: Metrics
  /** The CORS rule of the HTTP API (polling transport); see corsOriginCheck. */
  corsOrigin: (origin: string | undefined, callback: (err: Error | null, allow: boolean) => void) => void
  redis?: { pub: Redis; sub: Redis }
  redisKeyPrefix?: string
}) {
  const { auth, logger, metrics } = options
  const io = new Server(options.httpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    cors: { origin: options.corsOrigin },
    maxHttpBufferSize: 1e6,
  })
  if (options.redis)
    io.adapter(createAdapter(options.redis.pub, options.redis.sub, { key: (options.redisKeyPrefix ?? 'caravan:') + 'realtime' }))

  io.use(async (socket, next) => {
    const widget = widgetCredentials(socket)
    if (widget) {
      // A widget visitor: no expiry (the visitor token is long-lived), but every event re-checks the credentials.
      try {
        socket.principal = await auth.authenticateWidget(widget)
        socket.sessionVersion = 0
        socket.data.widget = widget
        return next()
      } catch (e) {
        return next(new Error(e instanceof AppError ? `${e.type}: ${e.message}` : 'unauthorized'))
      }
    }
    const token = socket.handshake.auth?.token
    if (typeof token !== 'string' || token.length === 0) return next(new Error('unauthorized: auth.token is required'))
    try {
      const { principal, sessionVersion, expiresAt } = await auth.authenticate(token)
      socket.principal = principal
      socket.sessionVersion = sessionVersion
      const msLeft = expiresAt * 1000 - Date.now()
      const timer = setTimeout(() => socket.disconnect(true), Math.max(0, msLeft))
      socket.once('disconnect', () => clearTimeout(timer))
      next()
    } catch (e) {
      next(new Error(e instanceof AppError ? `invalid_token: ${e.message}` : 'invalid_token'))
    }
  })

  // Socket events modules register with handle(); each is bound to every socket as it connects.
  const handlers: { event: string; rule: { roles?: UserRole[] }; handler: SocketHandler }[] = []

  // What modules do when a socket connects (join rooms, presence); they return what to do when it closes.
  const connectionHooks: ((socket: Socket) => Promise<(() => Promise<void>) | void>)[] = []
  // Close hooks still running; close() waits for them, so they finish before Redis or the database go.
  const closeHooks = new Set<Promise<void>>()

  // Connection hooks run before the handshake completes, so when the client sees `connect` its
  // socket is already in its rooms: nothing sent right after can miss it.
  io.use(async (socket, next) => {
    const closers: (() => Promise<void>)[] = []
    for (const hook of connectionHooks) {
      try {
        const onClose = await hook(socket)
        if (onClose) closers.push(onClose)
      } catch (err) {
        logger.error({ err }, 'socket connection hook failed')
      }
    }
    socket.data.onClose = closers
    next()
  })

  io.on('connection', (socket) => {
    metrics.sockets.inc()
    socket.join(userRoom(socket.principal.userId))
    socket.on('disconnect', () => metrics.sockets.dec())
    for (const h of handlers) on(socket, h.event, h.rule, h.handler)
    socket.once('disconnect', () => {
      for (const onClose of (socket.data.onClose ?? []) as (() => Promise<void>)[]) {
        const done = onClose()
          .catch((err) => logger.error({ err }, 'socket close hook failed'))
          .finally(() => closeHooks.delete(done))
        closeHooks.add(done)
      }
    })
  })

  /** Runs for every socket as it connects; the function it returns runs when that socket closes. */
  function onConnection(hook: (socket: Socket) => Promise<(() => Promise<void>) | void>) {
    connectionHooks.push(hook)
  }

  /** A socket event every client may send, answered through its ack; the role is checked per event. */
  function handle(event: string, rule: { roles?: UserRole[] }, handler: SocketHandler) {
    handlers.push({ event, rule, handler })
  }

  // A cheap round trip clients use to check the link and who they are.
  handle('whoami', {}, async (_payload, socket) => ({ userId: socket.principal.userId, role: socket.principal.role }))

  function on(socket: Socket, event: string, rule: { roles?: UserRole[] }, handler: SocketHandler) {
    socket.on(event, async (payload: unknown, ack?: unknown) => {
      const reply =
        typeof ack === 'function'
          ? (ack as (r: unknown) => void)
          : typeof payload === 'function'
            ? (payload as (r: unknown) => void)
            : () => {}
      try {
        socket.principal = await currentPrincipal(socket)
      } catch {
        reply({ error: { type: 'invalid_token', status: 401 } })
        return socket.disconnect(true)
      }
      if (rule.roles && !rule.roles.includes(socket.principal.role)) return reply({ error: { type: 'forbidden', status: 403 } })
      try {
        reply({ ok: true, data: await handler(typeof payload === 'function' ? undefined : payload, socket) })
      } catch (e) {
        if (e instanceof AppError) return reply({ error: { type: e.type, status: e.status, detail: e.detail, ...e.extra } })
        logger.error({ err: e, event }, 'socket handler failed')
        reply({ error: { type: 'internal', status: 500 } })
      }
    })
  }

  function currentPrincipal(socket: Socket) {
    const widget = socket.data.widget as WidgetCredentials | undefined
    if (widget) return auth.authenticateWidget(widget)
    return auth.checkSession({
      userId: socket.principal.userId,
      sessionId: socket.principal.sessionId,
      sessionVersion: socket.sessionVersion,
    })
  }

  /** A user's session state changed (role, logout, revocation): this node's sockets of that user are checked now. */
  async function recheckUser(userId: string) {
    for (const socket of await io.local.in(userRoom(userId)).fetchSockets()) {
      const live = io.sockets.sockets.get(socket.id)
      if (!live) continue
      await currentPrincipal(live).then(
        (principal) => (live.principal = principal),
        () => live.disconnect(true),
      )
    }
  }

  // Once closing, nothing is emitted: the adapter's Redis connection may already be going.
  let closing = false

  function emitToUsers(userIds: string[], event: string, payload: unknown) {
    if (userIds.length === 0 || closing) return
    io.to(userIds.map(userRoom)).emit(event, payload)
  }

  /** Every socket (on any node) in these rooms receives the event once. */
  function emitToRooms(rooms: string[], event: string, payload: unknown) {
    if (rooms.length === 0 || closing) return
    io.to(rooms).emit(event, payload)
  }

  /** The users' sockets, on every node, join (or leave) a room. */
  function joinRoom(userIds: string[], room: string) {
    if (userIds.length) io.in(userIds.map(userRoom)).socketsJoin(room)
  }
  function leaveRoom(userIds: string[], room: string) {
    if (userIds.length) io.in(userIds.map(userRoom)).socketsLeave(room)
  }

  async function close() {
    closing = true
    io.disconnectSockets(true)
    await Promise.allSettled([...closeHooks])
    await new Promise<void>((resolve) => io.close(() => resolve()))
  }

  return { io, handle, onConnection, emitToUsers, emitToRooms, joinRoom, leaveRoom, recheckUser, close }
}

export type Realtime = ReturnType<typeof createRealtime>
