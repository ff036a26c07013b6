// Live updates: while signed in, one socket listens for changes to this user and re-reads the
// profile, so edits made elsewhere (another tab, an admin) show up without a reload. Other
// features listen on the same socket through useRealtimeEvent (one socket per tab, not per page)
// and write what they hear into the query cache. The socket itself is a connection, not data:
// it is the one thing kept here rather than in the cache.
import type { CaravanRealtime, RealtimeEvents } from '@caravan/sdk'
import { useEffect, useRef, useSyncExternalStore } from 'react'
import { queryClient } from '../../data/queryClient'
import { client, markRoleChanged } from './session'

/** The profile as the server has it; reading it also refreshes the stored session's user. */
export const ME_KEY = ['me'] as const

let current: CaravanRealtime | null = null
const listeners = new Set<() => void>()

function setCurrent(realtime: CaravanRealtime | null) {
  current = realtime
  for (const listener of listeners) listener()
}

/** The open socket while signed in, else null. */
export function useRealtime(): CaravanRealtime | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    () => current,
  )
}

/** Calls `handler` for each `event` the server pushes to this user, while the component is mounted. */
export function useRealtimeEvent<E extends keyof RealtimeEvents>(event: E, handler: (payload: RealtimeEvents[E]) => void) {
  const realtime = useRealtime()
  const latest = useRef(handler)
  useEffect(() => {
    latest.current = handler
  })
  useEffect(() => realtime?.on(event, (payload) => latest.current(payload)), [realtime, event])
}

/**
 * Calls `handler` each time the socket (re)connects: events sent while it was down are lost,
 * so state kept from events (an unread count) is read again then.
 */
export function useRealtimeConnected(handler: () => void) {
  const realtime = useRealtime()
  const latest = useRef(handler)
  useEffect(() => {
    latest.current = handler
  })
  useEffect(() => {
    if (!realtime) return
    const listener = () => latest.current()
    realtime.socket.on('connect', listener)
    return () => {
      realtime.socket.off('connect', listener)
    }
  }, [realtime])
}

export function useLiveUser(userId: string | undefined) {
  useEffect(() => {
    if (!userId) return
    // Check the stored session once per sign-in: it may have ended while the app was closed.
    const reload = () => {
      queryClient.fetchQuery({ queryKey: ME_KEY, queryFn: () => client.me(), staleTime: 0 }).catch(() => {
        /* a failed refresh already signed us out */
      })
    }
    reload()
    const realtime = client.realtime()
    const stop = [
      realtime.on('user.updated', reload),
      realtime.on('user.role_changed', () => {
        markRoleChanged()
        reload()
      }),
    ]
    setCurrent(realtime)
    return () => {
      for (const off of stop) off()
      realtime.close()
      if (current === realtime) setCurrent(null)
    }
  }, [userId])
}
