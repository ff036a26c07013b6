declare module '../../core/events/bus' {
  interface DomainEvents {
    /** A new in-app inbox item; sent to the recipient's sockets as `notification:new`. */
    /** `unreadSeq` orders the counts of one user (inbox.ts): keep the count of the highest seen. */
    'notification:new': { item: InboxItemView; unreadCount: number; unreadSeq: number }
    /** The unread count changed (read, read-all, archive). */
    'notification:unread': { count: number; seq: number }
  }
}

export interface InboxItemView {
  id: string
  type: string
  category: string
  title: string
  body: string
  actionUrl: string | null
  read: boolean
  archived: boolean
  createdAt: string
}
