// The socket's chat events into the query cache, while the chat page is open (the tab's one
// socket, features/auth/live.ts). Messages, edits, deletions and reactions go into held threads;
// marks, presence and activity into the conversations. A reconnect may have missed events: every
// held thread resyncs after its last seq and the list is read again. Messages from others are
// acknowledged as delivered as they arrive, and for what the list shows as new.
import type { CaravanRealtime, Conversation } from '@caravan/sdk'
import { useEffect, useRef, useState } from 'react'
import { queryClient } from '../../data/queryClient'
import { useRealtime, useRealtimeConnected, useRealtimeEvent } from '../auth/live'
import { withMark, withPresence, type ConversationList } from './conversationState'
import {
  chatKeys,
  conversationGotMessage,
  conversationMessageChanged,
  conversationUpdated,
  editConversation,
  editThread,
  forgetConversation,
  getThread,
  threadLoading,
  useConversations,
} from './queries'
import { lastSeq, leavesGap, tombstone, withDeleted, withMessages, withReaction, withUpdated } from './thread'
import { setTyping } from './typing'

/** A mark sent over the socket; only a hint when it fails (the next one carries it). */
export function sendMark(realtime: CaravanRealtime | null, kind: 'read' | 'delivered', conversationId: string, seq: number) {
  if (!realtime?.socket.connected || seq < 1) return
  realtime.call(kind, { conversationId, seq }).catch(() => {
    /* resent with the next message or visit */
  })
}

const resyncThread = (id: string) => void queryClient.invalidateQueries({ queryKey: chatKeys.thread(id) })

/** Every thread held resyncs after its last seq (the open ones now, the others when next opened). */
const resyncHeldThreads = () =>
  void queryClient.invalidateQueries({ queryKey: chatKeys.threads, predicate: (query) => query.state.data !== undefined })

function editEveryConversation(change: (c: Conversation) => Conversation) {
  queryClient.setQueryData<ConversationList>(
    chatKeys.list,
    (list) => list && { ...list, pages: list.pages.map((page) => ({ ...page, items: page.items.map(change) })) },
  )
  queryClient.setQueriesData<Conversation>({ queryKey: ['chat', 'conversation'] }, (c) => c && change(c))
}

export function useLiveChat(me: string) {
  const realtime = useRealtime()
  const list = useConversations()
  const [connections, setConnections] = useState(0)

  // Back on the page: what held threads missed while it was closed is fetched (after their last seq).
  useEffect(() => resyncHeldThreads(), [])

  useRealtimeConnected(() => {
    setConnections((n) => n + 1)
    resyncHeldThreads()
    // The list read before this connect may have missed a message sent before the socket joined.
    void queryClient.invalidateQueries({ queryKey: chatKeys.list })
  })

  useRealtimeEvent('message:new', (message) => {
    const { conversationId } = message
    if (message.senderId) setTyping(conversationId, message.senderId, false)
    const thread = getThread(conversationId)
    if (thread) {
      editThread(conversationId, (t) => withMessages(t, [message], me))
      if (leavesGap(thread, message.seq)) resyncThread(conversationId)
    } else if (threadLoading(conversationId)) {
      // The first read may have been answered before this message was stored: read it again.
      resyncThread(conversationId)
    }
    if (!conversationGotMessage(message, me)) void queryClient.invalidateQueries({ queryKey: chatKeys.list })
    if (message.senderId !== me) sendMark(realtime, 'delivered', conversationId, message.seq)
  })
  useRealtimeEvent('message:updated', (message) => {
    editThread(message.conversationId, (t) => withUpdated(t, message))
    conversationMessageChanged(message)
  })
  useRealtimeEvent('message:deleted', (deleted) => {
    editThread(deleted.conversationId, (t) => withDeleted(t, deleted))
    editConversation(deleted.conversationId, (c) =>
      c.lastMessage?.id === deleted.id ? { ...c, lastMessage: tombstone(c.lastMessage, deleted.deletedAt) } : c,
    )
  })
  useRealtimeEvent('reaction', (change) => editThread(change.conversationId, (t) => withReaction(t, change)))
  useRealtimeEvent('read', ({ conversationId, userId, seq }) =>
    editConversation(conversationId, (c) => withMark(c, 'read', userId, seq, me)),
  )
  useRealtimeEvent('delivered', ({ conversationId, userId, seq }) =>
    editConversation(conversationId, (c) => withMark(c, 'delivered', userId, seq, me)),
  )
  useRealtimeEvent('typing', ({ conversationId, userId, typing, expiresInMs }) => {
    if (userId !== me) setTyping(conversationId, userId, typing, expiresInMs)
  })
  useRealtimeEvent('presence', ({ userId, online, lastSeenAt }) =>
    editEveryConversation((c) => withPresence(c, userId, online, lastSeenAt)),
  )
  // Made with me in it (by me on another device, or by someone else): the list is read again.
  useRealtimeEvent('conversation:created', ({ conversation }) => {
    if (!conversationUpdated(conversation, me)) void queryClient.invalidateQueries({ queryKey: chatKeys.list })
  })
  useRealtimeEvent('conversation:updated', ({ conversation }) => {
    if (!conversationUpdated(conversation, me)) void queryClient.invalidateQueries({ queryKey: chatKeys.list })
    // Its system message ("Sara renamed the group…") came as message:new; if that was missed, resync.
    const thread = getThread(conversation.id)
    if (thread && conversation.lastSeq > lastSeq(thread)) resyncThread(conversation.id)
  })
  useRealtimeEvent('conversation:removed', ({ conversationId }) => forgetConversation(conversationId))

  // What the list shows as new has reached this device.
  const conversations = list.data?.pages.flatMap((p) => p.items)
  const deliveredSent = useRef(new Map<string, number>())
  useEffect(() => {
    if (!realtime?.socket.connected) return
    for (const c of conversations ?? []) {
      const mine = c.members.find((m) => m.userId === me)
      const sent = deliveredSent.current.get(c.id) ?? 0
      if (!mine || c.lastSeq <= Math.max(mine.lastDeliveredSeq, sent) || c.lastMessage?.senderId === me) continue
      deliveredSent.current.set(c.id, c.lastSeq)
      sendMark(realtime, 'delivered', c.id, c.lastSeq)
    }
  }, [conversations, me, realtime, connections])

  // Presence of the people in direct conversations: their state now, then `presence` events.
  const watched = [
    ...new Set(
      (conversations ?? [])
        .filter((c) => c.kind === 'direct')
        .flatMap((c) => c.members.filter((m) => m.userId !== me).map((m) => m.userId)),
    ),
  ]
    .slice(0, 200)
    .sort()
    .join(',')
  useEffect(() => {
    if (!watched || !realtime?.socket.connected) return
    realtime
      .call<{ users: { userId: string; online: boolean; lastSeenAt: string | null }[] }>('presence:watch', { userIds: watched.split(',') })
      .then(({ users }) => {
        for (const u of users) editEveryConversation((c) => withPresence(c, u.userId, u.online, u.lastSeenAt))
      })
      .catch(() => {
        /* presence is a nicety; the list's own state stays */
      })
  }, [watched, realtime, connections])
}
