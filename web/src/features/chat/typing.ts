// Who is typing where. Not server data, so not in the query cache: a small store the socket's
// `typing` events fill; each entry drops by itself after the event's expiresInMs unless renewed,
// so someone whose connection vanished mid-word is not "typing" for ever. The composer's side
// (useTypingAnnouncer) tells the others, at most once every 2 s while keys are pressed.
import type { CaravanRealtime } from '@caravan/sdk'
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react'

const typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>()
const listeners = new Set<() => void>()
const snapshots = new Map<string, string[]>()
const EMPTY: string[] = []

function changed(conversationId: string) {
  snapshots.set(conversationId, [...(typing.get(conversationId)?.keys() ?? [])])
  for (const listener of listeners) listener()
}

export function setTyping(conversationId: string, userId: string, isTyping: boolean, expiresInMs = 6_000) {
  const here = typing.get(conversationId) ?? new Map<string, ReturnType<typeof setTimeout>>()
  clearTimeout(here.get(userId))
  if (isTyping)
    here.set(
      userId,
      setTimeout(() => setTyping(conversationId, userId, false), expiresInMs),
    )
  else if (!here.delete(userId)) return
  typing.set(conversationId, here)
  changed(conversationId)
}

/** Everything forgotten (sign-out, tests). */
export function clearTyping() {
  for (const here of typing.values()) for (const timer of here.values()) clearTimeout(timer)
  typing.clear()
  snapshots.clear()
  for (const listener of listeners) listener()
}

/** The ids of the people typing in a conversation, in the order they started. */
export function useTypingUsers(conversationId: string): string[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    () => snapshots.get(conversationId) ?? EMPTY,
  )
}

const RENEW_MS = 2_000
const IDLE_MS = 4_000

/** `typed(text)` on every change of the composer; `stopped()` when the message goes. */
export function useTypingAnnouncer(realtime: CaravanRealtime | null, conversationId: string) {
  const announcedAt = useRef(0)
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const emit = useCallback(
    (isTyping: boolean) => {
      if (!realtime?.socket.connected) return
      realtime.call('typing', { conversationId, typing: isTyping }).catch(() => {
        /* only a hint: a lost one expires by itself */
      })
    },
    [realtime, conversationId],
  )
  const stopped = useCallback(() => {
    clearTimeout(idle.current)
    if (!announcedAt.current) return
    announcedAt.current = 0
    emit(false)
  }, [emit])
  const typed = useCallback(
    (text: string) => {
      if (!text.trim()) return stopped()
      clearTimeout(idle.current)
      idle.current = setTimeout(stopped, IDLE_MS)
      if (Date.now() - announcedAt.current < RENEW_MS) return
      announcedAt.current = Date.now()
      emit(true)
    },
    [emit, stopped],
  )
  // Leaving the conversation stops it.
  useEffect(() => stopped, [stopped])
  return { typed, stopped }
}
