import { useCallback, useEffect, useRef, useState } from 'react'
import type { InboxItem, InboxQuery } from '../types.js'
import { onReconnect, type InboxClient, type InboxRealtime } from './connection.js'

/** Which inbox to list: the server's query without the cursor, which the hook keeps. */
export type NotificationsOptions = Omit<InboxQuery, 'cursor'>

export interface Notifications {
  /** Newest first. */
  items: InboxItem[]
  /** True while a page is being read. */
  loading: boolean
  /** Why the last page read failed, if it did. */
  error: unknown
  hasMore: boolean
  /** Reads the next page onto the end; does nothing while a page is being read or without one. */
  loadMore(): Promise<void>
  markRead(id: string): Promise<void>
  markAllRead(): Promise<void>
  archive(id: string): Promise<void>
  /** Reads the first page again, dropping the others. */
  refresh(): Promise<void>
}

interface ListState {
  items: InboxItem[]
  cursor: string | null
  loading: boolean
  error: unknown
}

/** `items`, then those of `more` not already there. */
const merge = (items: InboxItem[], more: InboxItem[]) => [...items, ...more.filter((m) => !items.some((i) => i.id === m.id))]

const withItem = (updated: InboxItem) => (s: ListState) => ({ ...s, items: s.items.map((i) => (i.id === updated.id ? updated : i)) })

/**
 * The inbox a page at a time (client.notifications.list). New items arrive live
 * (`notification:new`, once each); markRead and archive update the list with the server's answer.
 * Action failures reject the promise the action returns; `error` is for reading pages.
 */
export function useNotifications(client: InboxClient, realtime?: InboxRealtime, options: NotificationsOptions = {}): Notifications {
  const { limit, unread, archived } = options
  const [state, setState] = useState<ListState>({ items: [], cursor: null, loading: true, error: undefined })
  // Every first-page read starts a generation: answers of an older one (or after unmount) are dropped.
  const generation = useRef(new AbortController())
  // Items that arrived live while a first page was being read, whose answer may predate them.
  const arrived = useRef<InboxItem[] | null>(null)
  const cursor = useRef<string | null>(null)
  const busy = useRef(false)

  const read = useCallback(
    async (more: boolean) => {
      if (more && (busy.current || !cursor.current)) return
      if (!more) {
        generation.current.abort()
        generation.current = new AbortController()
        arrived.current = []
      }
      const { signal } = generation.current
      busy.current = true
      setState((s) => ({ ...s, loading: true, error: undefined }))
      try {
        const page = await client.notifications.list({ limit, unread, archived, cursor: (more && cursor.current) || undefined }, { signal })
        if (signal.aborted) return
        cursor.current = page.nextCursor
        const fresh = arrived.current ?? []
        if (!more) arrived.current = null
        setState((s) => ({ items: merge(more ? s.items : fresh, page.items), cursor: page.nextCursor, loading: false, error: undefined }))
      } catch (error) {
        if (!signal.aborted) setState((s) => ({ ...s, loading: false, error }))
      } finally {
        if (!signal.aborted) busy.current = false
      }
    },
    [client, limit, unread, archived],
  )

  useEffect(() => {
    void read(false)
    const current = generation
    return () => current.current.abort()
  }, [read])

  useEffect(() => {
    const offs = [
      realtime?.on('notification:new', ({ item }) => {
        // A new item is never archived: the archive's list does not take it.
        if (archived) return
        arrived.current?.unshift(item)
        setState((s) => (s.items.some((i) => i.id === item.id) ? s : { ...s, items: [item, ...s.items] }))
      }),
      onReconnect(realtime, () => void read(false)),
    ]
    return () => offs.forEach((off) => off?.())
  }, [realtime, archived, read])

  const markRead = useCallback(async (id: string) => setState(withItem(await client.notifications.markRead(id))), [client])
  const markAllRead = useCallback(async () => {
    await client.notifications.markAllRead()
    setState((s) => ({ ...s, items: s.items.map((i) => (i.read ? i : { ...i, read: true })) }))
  }, [client])
  const archive = useCallback(
    async (id: string) => {
      const updated = await client.notifications.archive(id)
      setState(archived ? withItem(updated) : (s) => ({ ...s, items: s.items.filter((i) => i.id !== id) }))
    },
    [client, archived],
  )
  const loadMore = useCallback(() => read(true), [read])
  const refresh = useCallback(() => read(false), [read])

  return { ...state, hasMore: state.cursor !== null, loadMore, markRead, markAllRead, archive, refresh }
}
