// Chat in the query cache and on screen: a resync reads every page after the last seq held and
// keeps what the socket added meanwhile, exactly once; a thread far behind starts again from the
// newest page (my unsent messages kept); a failed send is retried with the SAME clientMessageId;
// a message sent while the history loads is kept; messages say their ticks, files' scan states,
// tombstones and system events in English and Persian.
import type { ConversationMember, FileView, MessagesPage, User } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { queryClient } from '../../src/data/queryClient'
import { SESSION_KEY, client } from '../../src/features/auth/session'
import { MessageItem, type MessageContext } from '../../src/features/chat/MessageItem'
import { chatKeys, editThread, syncThread, threadLoading } from '../../src/features/chat/queries'
import { useSend } from '../../src/features/chat/send'
import { addPending, emptyThread, withMessages, type Thread } from '../../src/features/chat/thread'
import { renderUi, setLocale } from './ui-render'
import { ME, SARA, message } from './chat-fixtures'

/** A conversation on the "server" holding seqs 1..count, answering listMessages as the API does. */
function serve(count: number, onPage?: (query: { after?: number; before?: number }) => void) {
  const calls: { after?: number; before?: number; limit?: number }[] = []
  vi.spyOn(client.chat, 'messages').mockImplementation(async (_id, query = {}): Promise<MessagesPage> => {
    calls.push(query)
    onPage?.(query)
    const limit = query.limit ?? 50
    const all = Array.from({ length: count }, (_, i) => i + 1)
    if (query.after !== undefined) {
      const after = all.filter((s) => s > query.after!)
      return { items: after.slice(0, limit).map((s) => message(s)), lastSeq: count, hasMore: after.length > limit }
    }
    const before = all.filter((s) => query.before === undefined || s < query.before)
    const page = before.slice(-limit)
    return { items: page.map((s) => message(s)), lastSeq: count, hasMore: before.length > limit }
  })
  return calls
}

const held = (...seqs: number[]): Thread => ({ ...emptyThread(), messages: seqs.map((s) => message(s)) })
const fetchThread = () =>
  queryClient.fetchQuery({ queryKey: chatKeys.thread('c1'), queryFn: ({ signal }) => syncThread('c1', ME, signal), staleTime: 0 })

afterEach(() => {
  vi.restoreAllMocks()
  queryClient.clear()
})

describe('thread resync', () => {
  it('reads every page after the last seq held and merges what the socket added meanwhile, once', async () => {
    queryClient.setQueryData(chatKeys.thread('c1'), held(1, 2, 3))
    let pushed = false
    const calls = serve(451, () => {
      // A live message while the first page is on its way (it is on the server's pages too).
      if (pushed) return
      pushed = true
      editThread('c1', (t) => withMessages(t, [message(451)], ME))
    })
    const thread = await fetchThread()
    expect(thread.messages.map((m) => m.seq)).toEqual(Array.from({ length: 451 }, (_, i) => i + 1))
    expect(calls.map((c) => c.after)).toEqual([3, 203, 403])
  })

  it('fills the hole a missed event left (after the unbroken run, not after the newest)', async () => {
    queryClient.setQueryData(chatKeys.thread('c1'), held(1, 2, 5))
    const calls = serve(6)
    const thread = await fetchThread()
    expect(calls[0].after).toBe(2)
    expect(thread.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('starts again from the newest page when far behind, keeping my unsent messages', async () => {
    const unsent = {
      clientMessageId: 'p1',
      conversationId: 'c1',
      text: 'wait',
      replyTo: null,
      attachments: [],
      createdAt: '2026-01-01T10:00:00.000Z',
      status: 'failed' as const,
    }
    queryClient.setQueryData(chatKeys.thread('c1'), addPending(held(1, 2, 3), unsent))
    serve(5000)
    const thread = await fetchThread()
    expect(thread.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 4951 + i))
    expect(thread.hasOlder).toBe(true)
    expect(thread.pending.map((p) => p.clientMessageId)).toEqual(['p1'])
  })

  it('reads the newest page first, oldest first on screen', async () => {
    serve(120)
    const thread = await fetchThread()
    expect(thread.messages[0].seq).toBe(71)
    expect(thread.messages.at(-1)?.seq).toBe(120)
    expect(thread.hasOlder).toBe(true)
  })
})

describe('sending', () => {
  const me = {
    id: ME,
    externalId: null,
    email: 'me@example.com',
    name: 'Me',
    locale: 'en',
    timezone: 'UTC',
    phone: null,
    role: 'customer',
    createdAt: '2026-01-01T00:00:00.000Z',
  } satisfies User
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  beforeEach(() => {
    queryClient.setQueryData(SESSION_KEY, { user: me, roleChanged: false })
    queryClient.setQueryData(chatKeys.thread('c1'), emptyThread())
  })
  const thread = () => queryClient.getQueryData<Thread>(chatKeys.thread('c1'))!

  it('shows the message at once, fails with Retry, and the retry resends the same clientMessageId', async () => {
    const sent: string[] = []
    let fail = true
    vi.spyOn(client.chat, 'send').mockImplementation(async (_id, input) => {
      sent.push(input.clientMessageId)
      if (fail) throw new CaravanError({ type: 'network_error', title: 'offline', status: 0 })
      return message(1, { senderId: ME, clientMessageId: input.clientMessageId, text: input.text })
    })
    // No socket in this test: sending goes through REST, as it does while the socket is down.
    const { result } = renderHook(() => useSend('c1'), { wrapper })
    act(() => result.current.send({ text: 'Salam', replyTo: null, attachments: [] }))
    expect(thread().pending[0]).toMatchObject({ text: 'Salam', status: 'sending' })
    await waitFor(() => expect(thread().pending[0]?.status).toBe('failed'))

    fail = false
    act(() => result.current.retry(thread().pending[0].clientMessageId))
    await waitFor(() => expect(thread().pending).toEqual([]))
    expect(thread().messages).toMatchObject([{ seq: 1, text: 'Salam', senderId: ME }])
    expect(sent).toHaveLength(2)
    expect(sent[1]).toBe(sent[0])
  })

  it('keeps a message sent while the history is still loading, and the first read merges around it', async () => {
    queryClient.removeQueries({ queryKey: chatKeys.thread('c1') })
    // The history's first page is held back until the message is stored.
    serve(120)
    const served = vi.mocked(client.chat.messages).getMockImplementation()!
    let answerPage: (() => void) | undefined
    vi.mocked(client.chat.messages).mockImplementation((...args) => new Promise((resolve) => (answerPage = () => resolve(served(...args)))))
    vi.spyOn(client.chat, 'send').mockImplementation(async (_id, input) =>
      message(121, { senderId: ME, clientMessageId: input.clientMessageId, text: input.text }),
    )
    const first = fetchThread()
    await waitFor(() => expect(answerPage).toBeDefined())
    expect(threadLoading('c1')).toBe(true)
    const { result } = renderHook(() => useSend('c1'), { wrapper })
    act(() => result.current.send({ text: 'Salam', replyTo: null, attachments: [] }))
    // Shown at once though nothing else is held yet, then stored (seq 121).
    expect(thread().pending[0]).toMatchObject({ text: 'Salam', status: 'sending' })
    await waitFor(() => expect(thread().messages.map((m) => m.seq)).toEqual([121]))

    answerPage!()
    const loaded = await first
    expect(loaded.messages.map((m) => m.seq)).toEqual([...Array.from({ length: 50 }, (_, i) => i + 71), 121])
    expect(loaded.hasOlder).toBe(true)
    expect(loaded.pending).toEqual([])
    expect(threadLoading('c1')).toBe(false)
  })
})

describe('a message on screen', () => {
  const members: ConversationMember[] = [
    { userId: ME, externalId: null, name: 'Me', role: 'member', lastReadSeq: 7, lastDeliveredSeq: 7, online: true, lastSeenAt: null },
    { userId: SARA, externalId: null, name: 'Sara', role: 'owner', lastReadSeq: 7, lastDeliveredSeq: 7, online: true, lastSeenAt: null },
  ]
  const ctx: MessageContext = {
    members,
    me: ME,
    group: true,
    handlers: { onReact: vi.fn(), onReply: vi.fn(), onEdit: vi.fn(), onDelete: vi.fn(), onReport: vi.fn() },
  }
  const file = (status: FileView['status']): FileView => ({
    id: `f-${status}`,
    name: `${status}.pdf`,
    mime: 'application/pdf',
    kind: 'document',
    size: 2048,
    status,
  })

  it('says ticks, scan states, tombstones and system events in English', async () => {
    setLocale('en')
    renderUi(
      <>
        <MessageItem message={message(7, { senderId: ME, attachments: [file('scanning'), file('blocked')] })} ctx={ctx} showSender />
        <MessageItem message={message(6, { deletedAt: '2026-01-01T11:00:00.000Z', text: null })} ctx={ctx} showSender />
        <MessageItem
          message={message(5, { kind: 'system', senderId: null, text: null, system: { event: 'renamed', actorId: SARA, name: 'Trip' } })}
          ctx={ctx}
          showSender
        />
        <MessageItem
          message={message(4, { kind: 'system', senderId: null, text: null, system: { event: 'joined', actorId: ME, userIds: [SARA] } })}
          ctx={ctx}
          showSender
        />
      </>,
    )
    await screen.findByText('Read')
    expect(screen.getByText('Scanning…')).toBeTruthy()
    expect(screen.getByText('Blocked: infected file')).toBeTruthy()
    expect(screen.getByText('This message was deleted')).toBeTruthy()
    expect(screen.getByText('\u2068Sara\u2069 renamed the group to “\u2068Trip\u2069”')).toBeTruthy()
    expect(screen.getByText('You added \u2068Sara\u2069')).toBeTruthy()
    // My own message offers edit and delete, named after it.
    expect(screen.getByRole('button', { name: 'Delete “\u2068message 7\u2069”' })).toBeTruthy()
  })

  it('and in Persian', async () => {
    setLocale('fa')
    const unread = members.map((m) => (m.userId === SARA ? { ...m, lastReadSeq: 3, lastDeliveredSeq: 7 } : m))
    renderUi(
      <>
        <MessageItem message={message(7, { senderId: ME, attachments: [file('scanning')] })} ctx={{ ...ctx, members: unread }} showSender />
        <MessageItem
          message={message(5, { kind: 'system', senderId: null, text: null, system: { event: 'renamed', actorId: SARA, name: 'سفر' } })}
          ctx={ctx}
          showSender
        />
        <MessageItem message={message(6, { deletedAt: '2026-01-01T11:00:00.000Z', text: null })} ctx={ctx} showSender />
      </>,
    )
    await screen.findByText('رسید')
    expect(screen.getByText('در حال بررسی…')).toBeTruthy()
    expect(screen.getByText('این پیام پاک شد')).toBeTruthy()
    expect(screen.getByText('\u2068Sara\u2069 نام گروه را به «\u2068سفر\u2069» تغییر داد')).toBeTruthy()
  })
})
