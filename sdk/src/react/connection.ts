// What the hooks need of a client and of a realtime connection: the SDK's own objects fit, and so
// does any object of the same shape (tests pass small fakes).
import type { CaravanClient } from '../client.js'
import type { CaravanRealtime } from '../realtime.js'

/** The inbox methods of a client (createCaravanClient's answer). */
export interface InboxClient {
  notifications: Pick<CaravanClient['notifications'], 'list' | 'unreadCount' | 'markRead' | 'markAllRead' | 'archive'>
}

/** A realtime connection (client.realtime()); with `socket`, the hooks read again after a reconnect. */
export type InboxRealtime = Pick<CaravanRealtime, 'on'> & { socket?: ConnectionEvents }

/** The part of a socket.io Socket that tells when it drops and comes back. */
export interface ConnectionEvents {
  on(event: 'connect' | 'disconnect', listener: () => void): unknown
  off(event: 'connect' | 'disconnect', listener: () => void): unknown
}

/** Calls `read` when the socket connects again after a drop: what was sent meanwhile was missed. */
export function onReconnect(realtime: InboxRealtime | undefined, read: () => void): () => void {
  const socket = realtime?.socket
  if (!socket) return () => {}
  let dropped = false
  const down = () => {
    dropped = true
  }
  const up = () => {
    if (dropped) read()
    dropped = false
  }
  socket.on('disconnect', down)
  socket.on('connect', up)
  return () => {
    socket.off('disconnect', down)
    socket.off('connect', up)
  }
}
