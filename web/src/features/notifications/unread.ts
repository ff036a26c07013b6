// The unread count the header's bell shows: read from the API once per sign-in and after each
// reconnect, then kept current by the socket (notification:new, notification:unread) and by
// this tab's own actions. One store, so the bell and the inbox never disagree.
import type { InboxItem } from '@caravan/sdk'
import { useEffect, useSyncExternalStore } from 'react'
import { useRealtimeConnected, useRealtimeEvent } from '../auth/live'
import { client } from '../auth/session'

let unread: number | null = null
/** Bumped by every pushed count: a read that started before one must not overwrite it. */
let generation = 0
const listeners = new Set<() => void>()

export function setUnreadCount(count: number | null) {
  generation++
  if (count === unread) return
  unread = count
  for (const listener of listeners) listener()
}

/** The unread count, or null until it is known. */
export function useUnreadCount(): number | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    () => unread,
  )
}

let lastRead = 0

function readCount() {
  lastRead = Date.now()
  const started = generation
  client.notifications.unreadCount().then(
    (count) => {
      if (generation === started) setUnreadCount(count)
    },
    () => {
      /* keep the last known count; a failed refresh already signed us out */
    },
  )
}

/**
 * Counts pushed by concurrent deliveries can arrive out of order (a 19 after a 20): each one is
 * shown at once, and the count is read again once a burst of events has settled.
 */
let settleTimer: ReturnType<typeof setTimeout> | undefined
const SETTLE_MS = 800
function settleSoon() {
  clearTimeout(settleTimer)
  settleTimer = setTimeout(readCount, SETTLE_MS)
}

type NewItemListener = (item: InboxItem) => void
const newItemListeners = new Set<NewItemListener>()

/** Pages that show inbox items (the inbox) hear about new ones here. */
export function onNewItem(listener: NewItemListener): () => void {
  newItemListeners.add(listener)
  return () => {
    newItemListeners.delete(listener)
  }
}

/** Mounted once while signed in (in the header): keeps the count and fans out new items. */
export function useLiveNotifications(userId: string) {
  useEffect(() => {
    setUnreadCount(null)
    readCount()
    return () => {
      clearTimeout(settleTimer)
      setUnreadCount(null)
    }
  }, [userId])
  // A reconnect may have missed events; the first connect follows the read above.
  useRealtimeConnected(() => {
    if (Date.now() - lastRead > 2_000) readCount()
  })
  useRealtimeEvent('notification:new', ({ item, unreadCount }) => {
    setUnreadCount(unreadCount)
    settleSoon()
    for (const listener of newItemListeners) listener(item)
  })
  useRealtimeEvent('notification:unread', ({ count }) => {
    setUnreadCount(count)
    settleSoon()
  })
}
