// What the chat module says to sockets, raised inside its transactions and published after commit.
// Events with audience.rooms go to `conversation:<id>` rooms (every member's sockets, on any node).
import type { ConversationView, MessageView } from './schemas'

export const conversationRoom = (id: string) => `conversation:${id}`
export const presenceRoom = (userId: string) => `presence:${userId}`

declare module '../../core/events/bus' {
  interface DomainEvents {
    'message:new': MessageView
    /** Edited, flagged, an attachment's scan decided. */
    'message:updated': MessageView
    'message:deleted': { conversationId: string; id: string; seq: number; deletedAt: string }
    reaction: { conversationId: string; messageId: string; userId: string; emoji: string; added: boolean }
    read: { conversationId: string; userId: string; seq: number }
    delivered: { conversationId: string; userId: string; seq: number }
    /** Renamed, members added or removed: the conversation as its members now see it (without personal counts). */
    'conversation:updated': { conversation: Omit<ConversationView, 'unreadCount' | 'myRole'> }
    /** Sent to each member's sockets when a conversation is made with them in it (already in its room). */
    'conversation:created': { conversation: Omit<ConversationView, 'unreadCount' | 'myRole'> }
    /** Sent to the user: they left or were removed; the client drops it. */
    'conversation:removed': { conversationId: string }
    typing: { conversationId: string; userId: string; typing: boolean; expiresInMs: number }
    presence: { userId: string; online: boolean; lastSeenAt: string | null }
  }
}
