// `@caravan/sdk/react`: hooks for a host product's own inbox UI, and <CaravanInbox>, Caravan's
// ready-made inbox element wrapped for React. React is an optional peer: only this entry needs it.
export { CaravanInbox, type CaravanInboxElementAttributes, type CaravanInboxProps } from './caravan-inbox.js'
export type { ConnectionEvents, InboxClient, InboxRealtime } from './connection.js'
export { useNotifications, type Notifications, type NotificationsOptions } from './use-notifications.js'
export { useUnreadCount, type UnreadCount } from './use-unread-count.js'
