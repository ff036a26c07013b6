// socket.io clients for tests: connect with a token, wait for events, closed after the file.
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll } from 'vitest'

const open: Socket[] = []
afterAll(() => {
  for (const s of open) s.disconnect()
})

export function socketFor(url: string, token?: string): Socket {
  const s = connect(url, {
    path: '/realtime',
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  })
  open.push(s)
  return s
}

export const connected = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    if (s.connected) return resolve()
    s.once('connect', () => resolve())
    s.once('connect_error', reject)
  })

/** A connected socket for this user. */
export async function connectedSocket(url: string, token: string): Promise<Socket> {
  const s = socketFor(url, token)
  await connected(s)
  return s
}

/** The next `name` event for which `match` holds. */
export const nextEvent = <T>(s: Socket, name: string, match: (payload: T) => boolean = () => true, ms = 10_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(name, on)
      reject(new Error(`no ${name} within ${ms} ms`))
    }, ms)
    function on(payload: T) {
      if (!match(payload)) return
      clearTimeout(timer)
      s.off(name, on)
      resolve(payload)
    }
    s.on(name, on)
  })

/** Every `name` event from now on, in order of arrival. */
export function collect<T>(s: Socket, name: string): T[] {
  const seen: T[] = []
  s.on(name, (payload: T) => seen.push(payload))
  return seen
}
