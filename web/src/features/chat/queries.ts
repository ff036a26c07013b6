// Chat in the query cache: the conversation list (cursor pages), each conversation, and each
// conversation's thread (messages by seq plus my pending ones, thread.ts). Threads are never read
// again from scratch while held: a (re)fetch resyncs with `after=<last seq held>` until hasMore is
// false and merges, so nothing is duplicated and what the socket added meanwhile stays.
import type { ChatMessage, Conversation, CreateConversationInput } from '@caravan/sdk'
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { client } from '../auth/session'
import {
  findInList,
  mapInList,
  placeInList,
  removeFromList,
  withLastMessageChanged,
  withNewMessage,
  withServerCopy,
  type ConversationList,
} from './conversationState'
import { contiguousEnd, emptyThread, withMessages, withOlder, type Thread } from './thread'

export const LIST_PAGE = 30
export const HISTORY_PAGE = 50
/** A resync that needs more pages than this starts from the newest page instead. */
const RESYNC_PAGE = 200
const RESYNC_MAX_PAGES = 5

export const chatKeys = {
  all: ['chat'] as const,
  list: ['chat', 'list'] as const,
  conversation: (id: string) => ['chat', 'conversation', id] as const,
  threads: ['chat', 'thread'] as const,
  thread: (id: string) => ['chat', 'thread', id] as const,
  search: (q: string) => ['chat', 'search', q] as const,
  blocks: ['chat', 'blocks'] as const,
  edits: (messageId: string) => ['chat', 'edits', messageId] as const,
}

export function useConversations() {
  return useInfiniteQuery({
    queryKey: chatKeys.list,
    queryFn: ({ pageParam, signal }) => client.chat.list({ cursor: pageParam, limit: LIST_PAGE }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
}

export function useConversation(id: string | undefined) {
  return useQuery<Conversation>({
    queryKey: chatKeys.conversation(id ?? ''),
    queryFn: ({ signal }) => client.chat.get(id!, { signal }),
    enabled: Boolean(id),
    // The list's copy shows at once; the read confirms it.
    placeholderData: () => (id ? findInList(queryClient.getQueryData<ConversationList>(chatKeys.list), id) : undefined),
  })
}

export const getThread = (id: string) => queryClient.getQueryData<Thread>(chatKeys.thread(id))

/** Changes a held thread (nothing when the conversation was never opened). */
export function editThread(id: string, change: (thread: Thread) => Thread) {
  queryClient.setQueryData<Thread>(chatKeys.thread(id), (thread) => thread && change(thread))
}

/**
 * Changes a thread, starting it empty when its first read has not answered yet: a message I send
 * while the history loads is kept, and that first read merges the page into it (syncThread).
 */
export function editOrStartThread(id: string, change: (thread: Thread) => Thread) {
  queryClient.setQueryData<Thread>(chatKeys.thread(id), (thread) => change(thread ?? emptyThread()))
}

/** The thread's first read is on its way (nothing held yet). */
export const threadLoading = (id: string): boolean => {
  const state = queryClient.getQueryState(chatKeys.thread(id))
  return state?.data === undefined && state?.fetchStatus === 'fetching'
}

/**
 * The first read of a thread is its newest page; every later one is a resync after what is held.
 * The answer is merged into the cache as it is then, so events applied meanwhile are kept.
 */
export async function syncThread(id: string, me: string, signal?: AbortSignal): Promise<Thread> {
  const held = getThread(id)
  if (held) {
    const fetched: ChatMessage[] = []
    let after = contiguousEnd(held)
    for (let pages = 0; pages < RESYNC_MAX_PAGES; pages++) {
      const page = await client.chat.messages(id, { after, limit: RESYNC_PAGE }, { signal })
      fetched.push(...page.items)
      if (!page.hasMore || !page.items.length) return withMessages(getThread(id) ?? held, fetched, me)
      after = page.items.at(-1)!.seq
    }
    // Far behind: the newest page, and history from there (my pending messages are kept).
  }
  const page = await client.chat.messages(id, { limit: HISTORY_PAGE }, { signal })
  const now = getThread(id)
  // Starting again keeps only my pending messages; a first read keeps what came meanwhile (one I sent).
  const base: Thread = held ? { ...emptyThread(), pending: now?.pending ?? [] } : (now ?? emptyThread())
  return withMessages({ ...base, hasOlder: page.hasMore }, page.items, me)
}

export function useThread(id: string, me: string) {
  return useQuery({
    queryKey: chatKeys.thread(id),
    queryFn: ({ signal }) => syncThread(id, me, signal),
    // The socket keeps it current; reconnects and returns to the page resync (live.ts).
    staleTime: Infinity,
    gcTime: 30 * 60_000,
  })
}

/** One page of older history before the first message held. */
export async function loadOlder(id: string, limit = HISTORY_PAGE): Promise<void> {
  const thread = getThread(id)
  const first = thread?.messages[0]?.seq
  if (!thread || !first || !thread.hasOlder) return
  const page = await client.chat.messages(id, { before: first, limit })
  editThread(id, (t) => withOlder(t, page.items, page.hasMore))
}

/** Changes conversation `id` in the list and in its own entry. */
export function editConversation(id: string, change: (c: Conversation) => Conversation) {
  queryClient.setQueryData<ConversationList>(chatKeys.list, (list) => list && mapInList(list, id, change))
  queryClient.setQueryData<Conversation>(chatKeys.conversation(id), (c) => c && change(c))
}

/** A conversation's new message into the list (moved up by its activity) and its own entry. */
export function conversationGotMessage(message: ChatMessage, me: string): boolean {
  const list = queryClient.getQueryData<ConversationList>(chatKeys.list)
  const held =
    findInList(list, message.conversationId) ?? queryClient.getQueryData<Conversation>(chatKeys.conversation(message.conversationId))
  queryClient.setQueryData<Conversation>(chatKeys.conversation(message.conversationId), (c) => c && withNewMessage(c, message, me))
  if (!held) return false
  const next = withNewMessage(held, message, me)
  queryClient.setQueryData<ConversationList>(chatKeys.list, (l) => l && placeInList(l, next))
  return true
}

/**
 * The server's copy of a conversation (conversation:updated: renamed, members or roles changed)
 * over the held one, placed again by its activity; false when it is not in the list yet.
 */
export function conversationUpdated(copy: Omit<Conversation, 'unreadCount' | 'myRole'>, me: string): boolean {
  const list = queryClient.getQueryData<ConversationList>(chatKeys.list)
  const held = findInList(list, copy.id)
  queryClient.setQueryData<Conversation>(chatKeys.conversation(copy.id), (c) => c && withServerCopy(c, copy, me))
  if (!held) return false
  queryClient.setQueryData<ConversationList>(chatKeys.list, (l) => l && placeInList(l, withServerCopy(held, copy, me)))
  return true
}

export function conversationMessageChanged(message: ChatMessage) {
  editConversation(message.conversationId, (c) => withLastMessageChanged(c, message))
}

/** Gone for me (I left or was removed): its list entry and held data go. */
export function forgetConversation(id: string) {
  queryClient.setQueryData<ConversationList>(chatKeys.list, (list) => list && removeFromList(list, id))
  queryClient.removeQueries({ queryKey: chatKeys.conversation(id) })
  queryClient.removeQueries({ queryKey: chatKeys.thread(id) })
}

export function useCreateConversation() {
  return useMutation({
    mutationFn: (input: CreateConversationInput) => client.chat.create(input),
    onSuccess: keepConversation,
  })
}

/** The server's answer about a conversation (mine: my role and unread count included) into the cache. */
export function keepConversation(conversation: Conversation) {
  queryClient.setQueryData(chatKeys.conversation(conversation.id), conversation)
  queryClient.setQueryData<ConversationList>(chatKeys.list, (list) => list && placeInList(list, conversation))
}

export function useMessageSearch(q: string) {
  const query = q.trim()
  return useQuery({
    queryKey: chatKeys.search(query),
    queryFn: ({ signal }) => client.chat.search({ q: query, limit: 20 }, { signal }),
    enabled: query.length > 0,
    staleTime: 5_000,
  })
}

/** The people I have blocked. */
export function useBlocks() {
  return useQuery({ queryKey: chatKeys.blocks, queryFn: ({ signal }) => client.chat.blocks({ signal }) })
}

/** A message's earlier versions, read when asked for. */
export function useEdits(conversationId: string, messageId: string) {
  return useQuery({
    queryKey: chatKeys.edits(messageId),
    queryFn: ({ signal }) => client.chat.edits(conversationId, messageId, { signal }),
  })
}
