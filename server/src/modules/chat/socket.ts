// Chat over socket.io (the table of events is in docs/chat.md). A socket joins the rooms of its
// user's conversations as it connects; membership is checked again on every event, since the room
// only says where events go, not who may send.
import { Type } from 'typebox'
import type { Db } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import { AppError } from '../../core/http/errors'
import { readPayload } from '../../core/realtime/payload'
import type { Presence } from '../../core/realtime/presence'
import type { Realtime } from '../../core/realtime/server'
import { Id } from '../../core/http/schemas'
import type { Conversations } from './conversations'
import { conversationRoom, presenceRoom } from './events'
import type { Messages } from './messages'
import { lastSeenRepo, membersRepo } from './repo'
import { SendBody } from './schemas'

export const TYPING_EXPIRES_MS = 6_000
const TYPING_THROTTLE_MS = 2_000
const MAX_WATCHED = 200

const SendEvent = Type.Object({ conversationId: Id, ...SendBody.properties }, { additionalProperties: false })
const TypingEvent = Type.Object({ conversationId: Id, typing: Type.Boolean() }, { additionalProperties: false })
const MarkEvent = Type.Object(
  { conversationId: Id, seq: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }) },
  { additionalProperties: false },
)
const WatchEvent = Type.Object({ userIds: Type.Array(Id, { maxItems: MAX_WATCHED }) }, { additionalProperties: false })

export function chatSocket(deps: {
  realtime: Realtime
  db: Db
  events: EventBus
  presence: Presence
  conversations: Conversations
  messages: Messages
}) {
  const { realtime, db, events, presence, conversations, messages } = deps

  async function announce(userId: string, online: boolean, at = new Date()) {
    const lastSeenAt = online ? null : at
    if (lastSeenAt) await lastSeenRepo.touch(db, userId, lastSeenAt)
    await events.publish(
      events.event('presence', { userId, online, lastSeenAt: lastSeenAt?.toISOString() ?? null }, { rooms: [presenceRoom(userId)] }),
    )
  }

  // Users whose node died: one of the living nodes says they left.
  presence.onGone(async (userIds, lastSeenAt) => {
    for (const userId of userIds) await announce(userId, false, lastSeenAt)
  })

  realtime.onConnection(async (socket) => {
    const userId = socket.principal.userId
    const ids = await membersRepo.conversationIdsOf(db, userId)
    await socket.join(ids.map(conversationRoom))
    if (await presence.connected(userId)) await announce(userId, true)
    return async () => {
      if (await presence.disconnected(userId)) await announce(userId, false)
    }
  })

  realtime.handle('message:send', {}, async (payload, socket) => {
    const { conversationId, ...input } = readPayload(SendEvent, payload)
    const { message, duplicate } = await messages.send(socket.principal.userId, conversationId, input)
    return { id: message.id, seq: message.seq, createdAt: message.createdAt, duplicate }
  })

  // Typing: start is passed on at most every two seconds per conversation; it expires by itself on
  // the receivers' side, so a client that vanishes mid-word leaves no one "typing" for ever.
  realtime.handle('typing', {}, async (payload, socket) => {
    const { conversationId, typing } = readPayload(TypingEvent, payload)
    const userId = socket.principal.userId
    const last = (socket.data.typingAt ??= {}) as Record<string, number>
    if (typing && Date.now() - (last[conversationId] ?? 0) < TYPING_THROTTLE_MS) return { throttled: true }
    if (!(await membersRepo.get(db, conversationId, userId))) throw new AppError('not_found', 'No such conversation')
    last[conversationId] = typing ? Date.now() : 0
    socket.to(conversationRoom(conversationId)).emit('typing', { conversationId, userId, typing, expiresInMs: TYPING_EXPIRES_MS })
    return { throttled: false }
  })

  realtime.handle('read', {}, async (payload, socket) => {
    const { conversationId, seq } = readPayload(MarkEvent, payload)
    return messages.mark('read', socket.principal.userId, conversationId, seq)
  })

  realtime.handle('delivered', {}, async (payload, socket) => {
    const { conversationId, seq } = readPayload(MarkEvent, payload)
    return messages.mark('delivered', socket.principal.userId, conversationId, seq)
  })

  // Presence is told only about people the watcher shares a conversation with.
  realtime.handle('presence:watch', {}, async (payload, socket) => {
    const { userIds } = readPayload(WatchEvent, payload)
    const me = socket.principal.userId
    const allowed: string[] = []
    for (const id of new Set(userIds)) if (id === me || (await membersRepo.share(db, me, id))) allowed.push(id)
    await socket.join(allowed.map(presenceRoom))
    const [online, seen] = await Promise.all([presence.online(allowed), lastSeenRepo.of(db, allowed)])
    const seenById = new Map(seen.map((s) => [s.userId, s.lastSeenAt.toISOString()]))
    return {
      users: allowed.map((id) => ({ userId: id, online: online.has(id), lastSeenAt: online.has(id) ? null : (seenById.get(id) ?? null) })),
    }
  })

  /** Sockets of these users join or leave a conversation's room (on every node). */
  return {
    join: (userIds: string[], room: string) => realtime.joinRoom(userIds, room),
    leave: (userIds: string[], room: string) => realtime.leaveRoom(userIds, room),
    conversations,
  }
}
