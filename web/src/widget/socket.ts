// The realtime link: socket.io at /realtime with the widget's credentials in the handshake (the
// server checks them again on every event). New messages and typing come in; typing goes out.
import { io } from 'socket.io-client'
import type { Identity, Message, TypingEvent } from './types'

/** Typing starts are sent at most this often (the server drops more frequent ones anyway). */
const TYPING_EVERY_MS = 2_000
/** Without a keystroke for this long, the visitor has stopped typing. */
const TYPING_IDLE_MS = 4_000

export interface Link {
  /** The visitor typed in this conversation. */
  typed(conversationId: string): void
  /** The visitor sent or left: others stop seeing "typing…" at once. */
  stopTyping(conversationId: string): void
  close(): void
}

export interface Credentials {
  site: string
  token: string | undefined
  identity: Identity | undefined
}

export function connect(
  base: string,
  credentials: () => Credentials,
  on: { message(message: Message): void; updated(message: Message): void; typing(event: TypingEvent): void; reconnected(): void },
): Link {
  // WebSocket only, as the SDK does: long-polling would need sticky sessions across server nodes.
  // The handshake reads the credentials each time, so a reconnect uses the current visitor token.
  const socket = io(base, {
    path: '/realtime',
    transports: ['websocket'],
    auth: (send) => {
      const { site, token, identity } = credentials()
      send({ widget: { site, token, identity: identity && `${identity.externalId}:${identity.signature}` } })
    },
  })
  socket.on('message:new', on.message)
  socket.on('message:updated', on.updated)
  socket.on('typing', on.typing)
  // Messages sent while the link was down are fetched again (the socket does not replay them).
  socket.io.on('reconnect', on.reconnected)

  let sentAt = 0
  let idle: ReturnType<typeof setTimeout> | undefined
  const stopTyping = (conversationId: string) => {
    clearTimeout(idle)
    if (!sentAt) return
    sentAt = 0
    socket.emit('typing', { conversationId, typing: false })
  }

  return {
    typed(conversationId) {
      clearTimeout(idle)
      idle = setTimeout(() => stopTyping(conversationId), TYPING_IDLE_MS)
      if (Date.now() - sentAt < TYPING_EVERY_MS) return
      sentAt = Date.now()
      socket.emit('typing', { conversationId, typing: true })
    },
    stopTyping,
    close() {
      clearTimeout(idle)
      socket.close()
    },
  }
}
