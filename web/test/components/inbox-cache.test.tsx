// The inbox's optimistic actions on the query cache: archive removes the item and lowers the
// unread count at once and puts both back when the server refuses; restore (undo) brings it back;
// a count pushed by the socket is not overwritten by a read that started before it.
import type { InboxItem, InboxPage } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { queryClient } from '../../src/data/queryClient'
import { client } from '../../src/features/auth/session'
import { notificationKeys, pushCount, useArchive, useInbox, useRestore, useUnreadCount } from '../../src/features/notifications/queries'

const item = (id: string, read = false): InboxItem => ({
  id,
  type: 't',
  category: 'transactional',
  title: `Item ${id}`,
  body: 'b',
  actionUrl: null,
  read,
  archived: false,
  createdAt: '2026-12-01T10:00:00.000Z',
})

const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>

/** The inbox and the unread count as the hooks read them, with the API answering `items`. */
async function renderInbox(items: InboxItem[]) {
  const page: InboxPage = { items, nextCursor: null }
  vi.spyOn(client.notifications, 'list').mockImplementation(async (query = {}) => (query.archived ? { items: [], nextCursor: null } : page))
  vi.spyOn(client.notifications, 'unreadCount').mockResolvedValue(items.filter((i) => !i.read).length)
  const view = renderHook(
    () => ({ inbox: useInbox(false), archived: useInbox(true), unread: useUnreadCount(), archive: useArchive(), restore: useRestore() }),
    { wrapper },
  )
  await waitFor(() => expect(view.result.current.inbox.data).toBeDefined())
  await waitFor(() => expect(view.result.current.unread).not.toBeNull())
  return view
}

const ids = (data: { pages: InboxPage[] } | undefined) => data?.pages.flatMap((p) => p.items.map((i) => i.id))

afterEach(() => {
  vi.restoreAllMocks()
  queryClient.clear()
})

describe('inbox cache', () => {
  it('archive shows at once and rolls back when the server refuses', async () => {
    const view = await renderInbox([item('b'), item('a')])
    let refuse!: (e: unknown) => void
    vi.spyOn(client.notifications, 'archive').mockImplementation(() => new Promise((_, reject) => (refuse = reject)))
    act(() => view.result.current.archive.mutate(item('b')))
    await waitFor(() => expect(ids(view.result.current.inbox.data)).toEqual(['a']))
    expect(view.result.current.unread).toBe(1)
    expect(ids(view.result.current.archived.data)).toEqual(['b'])

    await act(async () => refuse(new CaravanError({ type: 'not_found', title: 'gone', status: 404 })))
    await waitFor(() => expect(ids(view.result.current.inbox.data)).toEqual(['b', 'a']))
    expect(view.result.current.unread).toBe(2)
    expect(ids(view.result.current.archived.data)).toEqual([])
    expect(view.result.current.archive.error).toBeInstanceOf(CaravanError)
  })

  it('restore (undo) puts the archived item back in its place and counts it unread again', async () => {
    const view = await renderInbox([item('c'), item('a')])
    vi.spyOn(client.notifications, 'archive').mockImplementation(async (id) => ({ ...item(id), archived: true }))
    vi.spyOn(client.notifications, 'restore').mockImplementation(async (id) => item(id))
    await act(async () => view.result.current.archive.mutateAsync(item('c')))
    expect(view.result.current.unread).toBe(1)
    await act(async () => view.result.current.restore.mutateAsync({ ...item('c'), archived: true }))
    expect(ids(view.result.current.inbox.data)).toEqual(['c', 'a'])
    expect(view.result.current.unread).toBe(2)
    expect(client.notifications.restore).toHaveBeenCalledWith('c')
  })

  it('a pushed count wins over a read that started before it', async () => {
    const view = await renderInbox([item('a')])
    let answer!: (n: number) => void
    vi.spyOn(client.notifications, 'unreadCount').mockImplementation(() => new Promise((resolve) => (answer = resolve)))
    act(() => void queryClient.invalidateQueries({ queryKey: notificationKeys.unread }))
    await waitFor(() => expect(client.notifications.unreadCount).toHaveBeenCalled())
    // What useLiveNotifications does with notification:unread.
    await act(async () => pushCount(7))
    await act(async () => answer(3))
    expect(view.result.current.unread).toBe(7)
  })
})
