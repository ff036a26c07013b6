import { useEffect, useState } from 'react'
import { onReconnect, type InboxClient, type InboxRealtime } from './connection.js'

export interface UnreadCount {
  /** undefined until the first count arrives. */
  count: number | undefined
  /** Why the last read of the count failed, if it did. */
  error: unknown
}

/**
 * The unread count, live. Counts carry a `seq` (unreadCount(), both socket events): with
 * concurrent deliveries they arrive out of order, so one older than the count shown is dropped.
 */
export function useUnreadCount(client: InboxClient, realtime?: InboxRealtime): UnreadCount {
  const [state, setState] = useState<UnreadCount>({ count: undefined, error: undefined })
  useEffect(() => {
    const controller = new AbortController()
    let best = -Infinity
    const offer = (count: number, seq: number) => {
      // After cleanup (unmount, another client) a late answer belongs to the old one.
      if (seq <= best || controller.signal.aborted) return
      best = seq
      setState({ count, error: undefined })
    }
    const read = () => {
      client.notifications.unreadCount({ signal: controller.signal }).then(
        ({ count, seq }) => offer(count, seq),
        (error: unknown) => {
          if (!controller.signal.aborted) setState((s) => ({ ...s, error }))
        },
      )
    }
    read()
    const offs = [
      realtime?.on('notification:new', ({ unreadCount, unreadSeq }) => offer(unreadCount, unreadSeq)),
      realtime?.on('notification:unread', ({ count, seq }) => offer(count, seq)),
      onReconnect(realtime, read),
    ]
    return () => {
      controller.abort()
      offs.forEach((off) => off?.())
    }
  }, [client, realtime])
  return state
}
