// The realtime socket (socket.io at /realtime). Its handshake reads the access token through a
// function, so every reconnect presents a fresh token; refused tokens are refreshed here.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import type { CaravanClient } from './client.js'
import { CaravanError, networkError } from './errors.js'
import type { RealtimeEvents } from './types.js'

export const REALTIME_PATH = '/realtime'

export interface RealtimeOptions {
  /** socket.io options to override, e.g. `{ transports: ['polling', 'websocket'] }`. */
  socket?: Partial<ManagerOptions & SocketOptions>
}

export interface CaravanRealtime {
  socket: Socket
  /** Listens to a server event; returns the function that stops listening. */
  on<E extends keyof RealtimeEvents>(event: E, handler: (payload: RealtimeEvents[E]) => void): () => void
  /** Emits an event and waits for the server's `{ ok, data }` answer; an `{ error }` answer throws CaravanError. */
  call<T = unknown>(event: string, payload?: unknown, timeoutMs?: number): Promise<T>
  close(): void
}

type Answer = { ok: true; data: unknown } | { error: { type?: string; status?: number; detail?: string } }

export function connectRealtime(
  client: Pick<CaravanClient, 'baseUrl' | 'accessToken' | 'refresh'>,
  options: RealtimeOptions = {},
): CaravanRealtime {
  const base = new URL(client.baseUrl || globalThis.location.origin)
  let closed = false
  // WebSocket only: long-polling needs sticky sessions once there are several server nodes.
  const socket = io(base.origin, {
    path: base.pathname.replace(/\/+$/, '') + REALTIME_PATH,
    transports: ['websocket'],
    auth: (send) => {
      client.accessToken().then(
        (token) => send({ token: token ?? '' }),
        () => send({ token: '' }),
      )
    },
    ...options.socket,
  })

  let refusedInARow = 0
  socket.on('connect', () => {
    refusedInARow = 0
  })
  socket.on('connect_error', (error) => {
    // socket.io does not retry a handshake the server refused; network errors it retries itself.
    // A refused token is refreshed once per attempt, a few attempts at most (no tight loop).
    if (closed || !error.message.startsWith('invalid_token') || ++refusedInARow > 3) return
    client.refresh().then(
      () => {
        if (!closed) socket.connect()
      },
      () => {
        /* signed out: stay closed */
      },
    )
  })
  socket.on('disconnect', (reason) => {
    // The server ends a socket when its access token expires: come back with a fresh one.
    if (reason === 'io server disconnect' && !closed) socket.connect()
  })

  return {
    socket,
    on(event, handler) {
      // Our event names never collide with socket.io's reserved ones (connect, disconnect...).
      const name: string = event
      const listener = handler as (...args: any[]) => void
      socket.on(name, listener)
      return () => {
        socket.off(name, listener)
      }
    },
    async call<T>(event: string, payload?: unknown, timeoutMs = 10_000): Promise<T> {
      let answer: Answer
      try {
        const timed = socket.timeout(timeoutMs)
        answer = payload === undefined ? await timed.emitWithAck(event) : await timed.emitWithAck(event, payload)
      } catch (e) {
        throw networkError(e)
      }
      if ('ok' in answer && answer.ok) return answer.data as T
      const error = 'error' in answer ? answer.error : {}
      throw new CaravanError({
        type: error.type ?? 'internal',
        title: error.type ?? 'The socket call failed',
        status: error.status ?? 500,
        detail: error.detail,
      })
    },
    close() {
      closed = true
      socket.disconnect()
    },
  }
}
