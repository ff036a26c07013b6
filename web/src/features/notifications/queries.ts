// The signed-in user's inbox and unread count in the query cache: read through TanStack Query,
// written by this tab's actions (optimistically, rolled back when the server refuses) and by the
// socket (notification:new, notification:unread). The bell and the inbox read the same entries,
// so they never disagree. Every count the server gives carries its order (`seq`): one older than
// the count shown, pushed late or read before a push, is dropped.
import type { InboxItem, InboxPage } from '@caravan/sdk'
import { useInfiniteQuery, useMutation, useQuery, type InfiniteData, type QueryKey } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { useRealtimeConnected, useRealtimeEvent } from '../auth/live'
import { client } from '../auth/session'

export const PAGE_SIZE = 20

export const notificationKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
  inbox: (archived: boolean) => ['notifications', 'inbox', { archived }] as const,
}

type Inbox = InfiniteData<InboxPage, string | undefined>

/** The count shown and the order of the server's count it came from (this tab's own changes keep the seq). */
type Unread = { count: number; seq: number }

/** A read that answers after a newer count was pushed keeps the newer one. */
async function readUnread({ signal }: { signal: AbortSignal }): Promise<Unread> {
  const read = await client.notifications.unreadCount({ signal })
  const shown = queryClient.getQueryData<Unread>(notificationKeys.unread)
  return shown && shown.seq > read.seq ? shown : read
}

export function useUnreadCount(): number | null {
  return useQuery({ queryKey: notificationKeys.unread, queryFn: readUnread }).data?.count ?? null
}

export function useInbox(archived: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.inbox(archived),
    queryFn: ({ pageParam, signal }) =>
      client.notifications.list({ archived: archived || undefined, limit: PAGE_SIZE, cursor: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

/** Rewrites every cached inbox page (both views) with `change`, pages kept in place. */
function editInboxes(change: (items: InboxItem[], archived: boolean) => InboxItem[]) {
  for (const archived of [false, true]) {
    queryClient.setQueryData<Inbox>(
      notificationKeys.inbox(archived),
      (data) => data && { ...data, pages: data.pages.map((page) => ({ ...page, items: change(page.items, archived) })) },
    )
  }
}

/** Ids are time-ordered (UUIDv7), as the server sorts them: newest first. */
const newestFirst = (a: InboxItem, b: InboxItem) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/** Puts an item at its place in a view's first page (once). */
function insertItem(item: InboxItem, archived: boolean) {
  queryClient.setQueryData<Inbox>(notificationKeys.inbox(archived), (data) => {
    if (!data || data.pages.some((page) => page.items.some((i) => i.id === item.id))) return data
    const [first, ...rest] = data.pages
    return { ...data, pages: [{ ...first, items: [...first.items, item].sort(newestFirst) }, ...rest] }
  })
}

const adjustUnread = (delta: number) =>
  queryClient.setQueryData<Unread>(notificationKeys.unread, (u) => u && { ...u, count: Math.max(0, u.count + delta) })

/** What an optimistic change replaced, put back when the server refuses it. */
function snapshot() {
  const saved: [QueryKey, unknown][] = queryClient.getQueriesData({ queryKey: notificationKeys.all })
  return () => {
    for (const [key, data] of saved) queryClient.setQueryData(key, data)
  }
}

/**
 * One optimistic inbox action: `apply` edits the cache at once; a failure puts it back. Pending
 * reads are cancelled first so an older answer cannot overwrite the change.
 */
function useInboxMutation<T>(run: (item: InboxItem) => Promise<T>, apply: (item: InboxItem) => void) {
  return useMutation({
    // In the order pressed: Undo right after Archive, sent at once, could reach the server first
    // and leave the item archived (docs/web.md, query hooks).
    scope: { id: 'inbox' },
    mutationFn: run,
    onMutate: async (item) => {
      await queryClient.cancelQueries({ queryKey: notificationKeys.all })
      const rollback = snapshot()
      apply(item)
      return { rollback }
    },
    onError: (_error, _item, context) => context?.rollback(),
  })
}

export function useMarkRead() {
  return useInboxMutation(
    (item) => client.notifications.markRead(item.id),
    (item) => {
      if (item.read) return
      editInboxes((items) => items.map((i) => (i.id === item.id ? { ...i, read: true } : i)))
      adjustUnread(-1)
    },
  )
}

export function useArchive() {
  return useInboxMutation(
    (item) => client.notifications.archive(item.id),
    (item) => {
      editInboxes((items, archived) => (archived ? items : items.filter((i) => i.id !== item.id)))
      insertItem({ ...item, archived: true }, true)
      if (!item.read) adjustUnread(-1)
    },
  )
}

/** Back to the inbox: the undo of archive, and the archive view's "Restore". */
export function useRestore() {
  return useInboxMutation(
    (item) => client.notifications.restore(item.id),
    (item) => {
      editInboxes((items, archived) => (archived ? items.filter((i) => i.id !== item.id) : items))
      insertItem({ ...item, archived: false }, false)
      if (!item.read) adjustUnread(1)
    },
  )
}

export function useMarkAllRead() {
  return useMutation({
    scope: { id: 'inbox' },
    mutationFn: () => client.notifications.markAllRead(),
    onMutate: async () => {
      await queryClient.cancelQueries({ queryKey: notificationKeys.all })
      const rollback = snapshot()
      editInboxes((items) => items.map((i) => ({ ...i, read: true })))
      queryClient.setQueryData<Unread>(notificationKeys.unread, (u) => u && { ...u, count: 0 })
      return { rollback }
    },
    onError: (_error, _vars, context) => context?.rollback(),
  })
}

/** A count the socket pushed: shown at once, unless the count shown is newer (events can arrive out of order). */
export function pushCount(count: number, seq: number) {
  queryClient.setQueryData<Unread>(notificationKeys.unread, (u) => (u && u.seq > seq ? u : { count, seq }))
}

/** Mounted once while signed in (by the bell): the socket's notification events into the cache. */
export function useLiveNotifications() {
  // Every (re)connect reads again what events would have changed: one published between a read
  // and the socket joining its rooms reached nobody (the first connect too, a moment after the
  // first read).
  useRealtimeConnected(() => void queryClient.invalidateQueries({ queryKey: notificationKeys.all }))
  useRealtimeEvent('notification:new', ({ item, unreadCount, unreadSeq }) => {
    insertItem(item, false)
    pushCount(unreadCount, unreadSeq)
  })
  useRealtimeEvent('notification:unread', ({ count, seq }) => pushCount(count, seq))
}
