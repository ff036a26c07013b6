// Live chat conversations (from the widget) as agents list them, in the query cache, and the
// writes on them: escalate to a ticket, close. Live: the desk hears `support.conversation` when
// one starts, closes or becomes a ticket, and the team's agents (its members) `conversation:created`
// and `message:new`; a new message moves its row's last activity in place, anything else reads
// the lists again once a burst is over. A reconnect may have missed events: the lists are read again.
import type { ChatMessage, SupportConversation, SupportConversationPage, SupportConversationStatus } from '@caravan/sdk'
import { useMutation, type InfiniteData } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { navigate } from '../../navigation'
import { useRealtimeConnected, useRealtimeEvent } from '../auth/live'
import { client } from '../auth/session'
import { putDetail, supportKeys } from './queries'

export const conversationKeys = {
  all: [...supportKeys.all, 'conversations'] as const,
  list: (status: SupportConversationStatus) => [...supportKeys.all, 'conversations', status] as const,
}

type ConversationList = InfiniteData<SupportConversationPage, string | undefined>

let listsTimer: ReturnType<typeof setTimeout> | undefined
function refreshSoon() {
  clearTimeout(listsTimer)
  listsTimer = setTimeout(() => void queryClient.invalidateQueries({ queryKey: conversationKeys.all }), 400)
}

/** A held row's conversation got a message: its last activity moves, without reading the list. */
export function touchConversation(message: Pick<ChatMessage, 'conversationId' | 'createdAt'>) {
  queryClient.setQueriesData<ConversationList>({ queryKey: conversationKeys.all }, (data) => {
    if (!data?.pages) return data
    let changed = false
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.map((c) => {
        if (c.id !== message.conversationId || c.lastMessageAt >= message.createdAt) return c
        changed = true
        return { ...c, lastMessageAt: message.createdAt }
      }),
    }))
    return changed ? { ...data, pages } : data
  })
}

export function useLiveConversations() {
  useRealtimeConnected(refreshSoon)
  useRealtimeEvent('support.conversation', refreshSoon)
  useRealtimeEvent('conversation:created', refreshSoon)
  useRealtimeEvent('message:new', touchConversation)
}

/** The ticket it became goes into the cache, so its page opens at once. */
export function useEscalate() {
  return useMutation({
    mutationFn: ({ conversation, subject }: { conversation: SupportConversation; subject?: string }) =>
      client.support.conversations.escalate(conversation.id, subject ? { subject } : {}),
    onSuccess: (detail) => putDetail('agent', detail),
    // Escalated or closed either way (or already, by someone else: a 409 names the ticket).
    onSettled: () => void queryClient.invalidateQueries({ queryKey: conversationKeys.all }),
  })
}

/** Joins the conversation (agents outside its team are not members yet), then opens it in the chat view. */
export function useOpenConversation() {
  return useMutation({
    mutationFn: (conversation: SupportConversation) => client.support.conversations.join(conversation.id),
    onSuccess: (conversation) => navigate(`/chat/${encodeURIComponent(conversation.id)}`),
  })
}

export function useCloseConversation() {
  return useMutation({
    mutationFn: (conversation: SupportConversation) => client.support.conversations.close(conversation.id),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: conversationKeys.all }),
  })
}
