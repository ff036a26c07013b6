// The live link: socket.io at /realtime with the session's token in the handshake. New items and
// unread counts come in; after a reconnect the element reads its list again (the socket does not
// replay what it missed).
import { io } from 'socket.io-client'
import type { InboxItem } from './api'

export interface LiveHandlers {
  item(item: InboxItem, unreadCount: number, unreadSeq: number): void
  unread(count: number, seq: number): void
  reconnected(): void
}

export function connectLive(base: string, token: () => Promise<string>, renew: () => Promise<string>, on: LiveHandlers) {
  // WebSocket only, as the SDK does: long-polling would need sticky sessions across server nodes.
  const socket = io(base, {
    path: '/realtime',
    transports: ['websocket'],
    auth: (send) => {
      token().then(
        (t) => send({ token: t }),
        () => send({ token: '' }),
      )
    },
  })
  socket.on('notification:new', (p: { item: InboxItem; unreadCount: number; unreadSeq: number }) =>
    on.item(p.item, p.unreadCount, p.unreadSeq),
  )
  socket.on('notification:unread', (p: { count: number; seq: number }) => on.unread(p.count, p.seq))
  socket.io.on('reconnect', on.reconnected)
  // A refused handshake is not retried by socket.io: an expired token is traded once, then it tries again.
  let renewed = false
  socket.on('connect', () => (renewed = false))
  socket.on('connect_error', (error) => {
    if (renewed || !/unauthorized/i.test(error.message)) return
    renewed = true
    renew().then(
      () => socket.connect(),
      () => {},
    )
  })
  return { close: () => socket.close() }
}
