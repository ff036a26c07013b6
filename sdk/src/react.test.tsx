// @vitest-environment happy-dom
// The React binding against a fake client and a fake realtime connection: the hooks take both as
// arguments, so no server runs here.
import { act, cleanup, render, renderHook, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CaravanInbox, useNotifications, useUnreadCount, type InboxClient, type InboxRealtime } from './react/index.js'
import type { CaravanClient } from './client.js'
import type { CaravanRealtime } from './realtime.js'
import type { InboxItem, InboxPage, InboxQuery, RealtimeEvents } from './types.js'

// The SDK's own client and realtime connection fit the hooks (tsc checks this; nothing runs it).
const _fits = (client: CaravanClient, realtime: CaravanRealtime): [InboxClient, InboxRealtime] => [client, realtime]

afterEach(() => {
  cleanup()
  document.head.querySelectorAll('script').forEach((script) => script.remove())
})

const item = (id: string, read = false): InboxItem => ({
  id,
  type: 'order.shipped',
  category: 'transactional',
  title: `Title ${id}`,
  body: `Body ${id}`,
  actionUrl: null,
  read,
  archived: false,
  createdAt: '2025-01-01T00:00:00.000Z',
})

/** A realtime connection whose events the test sends with emit(). */
function fakeRealtime() {
  // By event name; each set holds handlers of that event's payload (which a Map cannot say).
  const handlers = new Map<string, Set<(payload: never) => void>>()
  const socketHandlers = new Map<string, Set<() => void>>()
  const realtime: InboxRealtime = {
    on(event, handler) {
      const set = handlers.get(event) ?? new Set()
      handlers.set(event, set.add(handler))
      return () => set.delete(handler)
    },
    socket: {
      on: (event, listener) => socketHandlers.set(event, (socketHandlers.get(event) ?? new Set()).add(listener)),
      off: (event, listener) => socketHandlers.get(event)?.delete(listener),
    },
  }
  const emit = <E extends keyof RealtimeEvents>(event: E, payload: RealtimeEvents[E]) =>
    act(() => handlers.get(event)?.forEach((handler) => (handler as (payload: RealtimeEvents[E]) => void)(payload)))
  const socketEmit = (event: 'connect' | 'disconnect') => act(() => socketHandlers.get(event)?.forEach((listener) => listener()))
  return { realtime, emit, socketEmit }
}

/** A client whose inbox pages are keyed by cursor ('' is the first page); it records the queries. */
function fakeClient(
  pages: Record<string, InboxPage>,
  unreadCount: () => Promise<{ count: number; seq: number }> = async () => ({ count: 0, seq: 0 }),
) {
  const queries: InboxQuery[] = []
  const all = Object.values(pages).flatMap((page) => page.items)
  const find = (id: string) => all.find((i) => i.id === id) ?? item(id)
  const client: InboxClient = {
    notifications: {
      list: async (query = {}) => {
        queries.push(query)
        return pages[query.cursor ?? '']
      },
      unreadCount,
      markRead: async (id) => ({ ...find(id), read: true }),
      markAllRead: async () => all.length,
      archive: async (id) => ({ ...find(id), archived: true }),
    },
  }
  return { client, queries }
}

describe('useUnreadCount', () => {
  it('keeps the count with the highest seq, whatever the order it arrives in', async () => {
    let answer: (value: { count: number; seq: number }) => void = () => {}
    const { client } = fakeClient({}, () => new Promise((resolve) => (answer = resolve)))
    const { realtime, emit } = fakeRealtime()
    const { result } = renderHook(() => useUnreadCount(client, realtime))
    expect(result.current.count).toBeUndefined()

    await emit('notification:unread', { count: 5, seq: 10 })
    expect(result.current.count).toBe(5)
    // Older counts, by event and by the first read answering late: both dropped.
    await emit('notification:new', { item: item('n1'), unreadCount: 3, unreadSeq: 7 })
    await act(async () => answer({ count: 2, seq: 3 }))
    expect(result.current.count).toBe(5)

    await emit('notification:new', { item: item('n2'), unreadCount: 6, unreadSeq: 11 })
    expect(result.current.count).toBe(6)
  })

  it('reads the count, and again after a reconnect', async () => {
    const answers = [
      { count: 1, seq: 1 },
      { count: 4, seq: 9 },
    ]
    const { client } = fakeClient({}, async () => answers.shift() ?? { count: 0, seq: 0 })
    const { realtime, socketEmit } = fakeRealtime()
    const { result } = renderHook(() => useUnreadCount(client, realtime))
    await waitFor(() => expect(result.current.count).toBe(1))
    await socketEmit('disconnect')
    await socketEmit('connect')
    await waitFor(() => expect(result.current.count).toBe(4))
  })
})

describe('useNotifications', () => {
  const pages = {
    '': { items: [item('a'), item('b')], nextCursor: 'p2' },
    p2: { items: [item('c', true)], nextCursor: null },
  }

  it('pages through the inbox with its query', async () => {
    const { client, queries } = fakeClient(pages)
    const { result } = renderHook(() => useNotifications(client, undefined, { limit: 2, unread: true }))
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b']))
    expect(result.current.hasMore).toBe(true)

    await act(() => result.current.loadMore())
    expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b', 'c'])
    expect(result.current.hasMore).toBe(false)
    expect(result.current.loading).toBe(false)
    expect(queries).toEqual([
      { limit: 2, unread: true, archived: undefined, cursor: undefined },
      { limit: 2, unread: true, archived: undefined, cursor: 'p2' },
    ])
  })

  it('puts a new item first, once', async () => {
    const { client } = fakeClient(pages)
    const { realtime, emit } = fakeRealtime()
    const { result } = renderHook(() => useNotifications(client, realtime))
    await waitFor(() => expect(result.current.items).toHaveLength(2))
    await emit('notification:new', { item: item('n'), unreadCount: 3, unreadSeq: 1 })
    await emit('notification:new', { item: item('n'), unreadCount: 3, unreadSeq: 2 })
    expect(result.current.items.map((i) => i.id)).toEqual(['n', 'a', 'b'])
  })

  it('marks read in place and archives out of the list', async () => {
    const { client } = fakeClient(pages)
    const { result } = renderHook(() => useNotifications(client))
    await waitFor(() => expect(result.current.items).toHaveLength(2))

    await act(() => result.current.markRead('b'))
    expect(result.current.items.map((i) => [i.id, i.read])).toEqual([
      ['a', false],
      ['b', true],
    ])
    await act(() => result.current.archive('a'))
    expect(result.current.items.map((i) => i.id)).toEqual(['b'])
    await act(() => result.current.markAllRead())
    expect(result.current.items.every((i) => i.read)).toBe(true)
  })

  it('reads the first page again after a reconnect', async () => {
    const { client, queries } = fakeClient(pages)
    const { realtime, socketEmit } = fakeRealtime()
    const { result } = renderHook(() => useNotifications(client, realtime))
    await waitFor(() => expect(result.current.items).toHaveLength(2))
    await socketEmit('connect') // the first connect: nothing was missed
    expect(queries).toHaveLength(1)
    await socketEmit('disconnect')
    await socketEmit('connect')
    await waitFor(() => expect(queries).toHaveLength(2))
    expect(queries[1].cursor).toBeUndefined()
  })
})

describe('CaravanInbox', () => {
  it('renders the element with its attributes and loads its script once', async () => {
    // happy-dom runs no script files, and would log an error for the one added: it is expected here.
    const { happyDOM } = window as Window & { happyDOM?: { settings: { handleDisabledFileLoadingAsSuccess: boolean } } }
    if (happyDOM) happyDOM.settings.handleDisabledFileLoadingAsSuccess = true
    const onUnread = vi.fn()
    const { container } = render(
      <>
        <CaravanInbox baseUrl="https://caravan.example.com/" externalId="u-1" signature="sig" lang="fa" onUnread={onUnread} />
        <CaravanInbox baseUrl="https://caravan.example.com" externalId="u-2" signature="sig2" preferencesUrl="/settings" />
      </>,
    )
    const [first, second] = Array.from(container.querySelectorAll('caravan-inbox'))
    expect(Object.fromEntries(Array.from(first.attributes, (a) => [a.name, a.value]))).toEqual({
      'base-url': 'https://caravan.example.com/',
      'external-id': 'u-1',
      signature: 'sig',
      lang: 'fa',
    })
    expect(second.getAttribute('preferences-url')).toBe('/settings')
    expect(second.hasAttribute('lang')).toBe(false)

    const scripts = Array.from(document.head.querySelectorAll('script'))
    expect(scripts.map((s) => [s.src, s.async])).toEqual([['https://caravan.example.com/inbox.js', true]])

    first.dispatchEvent(new CustomEvent('caravan-inbox:unread', { detail: { count: 3 }, bubbles: true }))
    expect(onUnread).toHaveBeenCalledWith(3)
  })
})
