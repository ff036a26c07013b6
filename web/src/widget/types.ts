// What the widget reads from the API (docs/support-widget.md; the chat views in
// server/src/modules/chat/schemas.ts). Only the fields the widget uses.
import type { Locale } from './i18n'

export interface WidgetConfig {
  name: string
  locale: Locale
  /** An agent of the site's team is available: chat; otherwise the offline form. */
  online: boolean
  requireIdentity: boolean
}

export interface Session {
  visitorToken: string
  visitor: { id: string; name: string | null; identified: boolean }
}

export interface FileView {
  id: string
  name: string
  kind: 'image' | 'document' | 'archive' | 'text'
  /** Signed download link (may be relative to the API); absent until downloadable. */
  url?: string
  thumbnailUrl?: string
}

export interface Message {
  id: string
  conversationId: string
  seq: number
  senderId: string | null
  clientMessageId: string | null
  kind: 'text' | 'system'
  text: string | null
  attachments: FileView[]
  createdAt: string
}

/** A message on screen: one the server has, or one still on its way (or that failed). */
export type Shown = Message & { state?: 'sending' | 'failed' }

export interface WidgetConversation {
  id: string
  lastMessage: Message | null
  unreadCount: number
  lastMessageAt: string
  createdAt: string
  status: 'open' | 'closed'
}

export interface TypingEvent {
  conversationId: string
  userId: string
  typing: boolean
  expiresInMs: number
}

export interface Identity {
  externalId: string
  signature: string
  name?: string
}
