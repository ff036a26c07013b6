// The inbox's optimistic actions on the query cache: archive removes the item and lowers the
// unread count at once and puts both back when the server refuses; restore (undo) brings it back;
// a count pushed by the socket is not overwritten by a read that started before it.
import type { InboxItem } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { queryClient } from '../../src/data/queryClient'
import { client } from '../../src/features/auth/session'
import { notificationKeys, pushCount, useArchive, useInbox, useRestore, useUnreadCount } from '../../src/features/notifications/queries'

const item = (id: string): InboxItem => ({
  id,
  type: 't',
  category: 'transactional',
  title: `Item ${id}`,
  body: 'b',
  actionUrl: null,
  read: false,
  archived: false,
  createdAt: '2026-12-01T10:00:00.000Z',
})

const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>

/**
 * A fake server holding `items` (newest first): reads answer what it holds, so a refetch at any
 * moment agrees with it; `refuse` makes the next archive fail.
 */
async function renderInbox(ids: string[]) {
  const items = ids.map(item)
  // `refuse`: the next archive fails, once `release()` lets it answer.
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const server = { refuse: false, release }
  const view = (archived: boolean) => ({ items: items.filter((i) => i.archived === archived), nextCursor: null })
  vi.spyOn(client.notifications, 'list').mockImplementation(async (query = {}) => view(Boolean(query.archived)))
  // Each read is later than the one before (the server's seq).
  let seq = 0
  vi.spyOn(client.notifications, 'unreadCount').mockImplementation(async () => ({
    count: items.filter((i) => !i.read && !i.archived).length,
    seq: ++seq,
  }))
  const stamp = (id: string, archived: boolean) => {
    const found = items.find((i) => i.id === id)!
    found.archived = archived
    return { ...found }
  }
  vi.spyOn(client.notifications, 'archive').mockImplementation(async (id) => {
    if (server.refuse) await gate
    if (server.refuse) throw new CaravanError({ type: 'not_found', title: 'gone', status: 404 })
    return stamp(id, true)
  })
  vi.spyOn(client.notifications, 'restore').mockImplementation(async (id) => stamp(id, false))
  const hooks = renderHook(
    () => ({ inbox: useInbox(false), archived: useInbox(true), unread: useUnreadCount(), archive: useArchive(), restore: useRestore() }),
    { wrapper },
  )
  await waitFor(() => expect(queryClient.isFetching()).toBe(0))
  await waitFor(() => expect(hooks.result.current.unread).toBe(ids.length))
  return { hooks, server }
}

const shown = (data: { pages: { items: InboxItem[] }[] } | undefined) => data?.pages.flatMap((p) => p.items.map((i) => i.id))

afterEach(() => {
  vi.restoreAllMocks()
  queryClient.clear()
})

describe('inbox cache', () => {
  it('archive shows at once and rolls back when the server refuses', async () => {
    const { hooks, server } = await renderInbox(['b', 'a'])
    server.refuse = true
    act(() => hooks.result.current.archive.mutate(item('b')))
    // At once, before the server answers.
    await waitFor(() => expect(shown(hooks.result.current.inbox.data)).toEqual(['a']))
    expect(hooks.result.current.unread).toBe(1)
    expect(shown(hooks.result.current.archived.data)).toEqual(['b'])
    act(() => server.release())
    await waitFor(() => expect(hooks.result.current.archive.isError).toBe(true))
    await waitFor(() => expect(shown(hooks.result.current.inbox.data)).toEqual(['b', 'a']))
    expect(hooks.result.current.unread).toBe(2)
    expect(shown(hooks.result.current.archived.data)).toEqual([])
    expect(hooks.result.current.archive.error).toBeInstanceOf(CaravanError)
  })

  it('archive lowers the unread count and fills the archive; restore (undo) puts it back in place', async () => {
    const { hooks } = await renderInbox(['c', 'a'])
    await act(async () => hooks.result.current.archive.mutateAsync(item('c')))
    await waitFor(() => expect(hooks.result.current.unread).toBe(1))
    expect(shown(hooks.result.current.archived.data)).toEqual(['c'])
    await act(async () => hooks.result.current.restore.mutateAsync({ ...item('c'), archived: true }))
    await waitFor(() => expect(shown(hooks.result.current.inbox.data)).toEqual(['c', 'a']))
    expect(hooks.result.current.unread).toBe(2)
    expect(client.notifications.restore).toHaveBeenCalledWith('c')
  })

  it('a pushed count wins over a read that started before it', async () => {
    const { hooks } = await renderInbox(['a'])
    let answer!: (u: { count: number; seq: number }) => void
    vi.mocked(client.notifications.unreadCount).mockImplementation(() => new Promise((resolve) => (answer = resolve)))
    act(() => void queryClient.invalidateQueries({ queryKey: notificationKeys.unread }))
    await waitFor(() => expect(answer).toBeDefined())
    // What useLiveNotifications does with notification:unread: the server read this count later (seq 50).
    act(() => pushCount(7, 50))
    await act(async () => answer({ count: 3, seq: 40 }))
    await waitFor(() => expect(queryClient.isFetching({ queryKey: notificationKeys.unread })).toBe(0))
    expect(hooks.result.current.unread).toBe(7)
  })

  it('counts pushed out of order: the one the server read last stays, whatever arrives after it', async () => {
    const { hooks } = await renderInbox(['a'])
    act(() => pushCount(20, 102))
    act(() => pushCount(19, 101))
    await waitFor(() => expect(hooks.result.current.unread).toBe(20))
    expect(queryClient.getQueryData(notificationKeys.unread)).toEqual({ count: 20, seq: 102 })
    act(() => pushCount(21, 103))
    await waitFor(() => expect(hooks.result.current.unread).toBe(21))
  })
})
