// Read receipts: while a conversation is on screen and the window has focus, its newest message is
// read. The mark shows at once here (the unread badge goes) and goes to the others over the socket
// (REST while the socket is down); marks only move forward, on the server too.
import type { Conversation } from '@caravan/sdk'
import { useEffect, useRef, useState } from 'react'
import { useRealtime } from '../auth/live'
import { client } from '../auth/session'
import { withMark } from './conversationState'
import { sendMark } from './live'
import { editConversation } from './queries'

function useWindowAttended(): boolean {
  const attended = () => document.visibilityState === 'visible' && document.hasFocus()
  const [value, setValue] = useState(attended)
  useEffect(() => {
    const update = () => setValue(attended())
    window.addEventListener('focus', update)
    window.addEventListener('blur', update)
    document.addEventListener('visibilitychange', update)
    return () => {
      window.removeEventListener('focus', update)
      window.removeEventListener('blur', update)
      document.removeEventListener('visibilitychange', update)
    }
  }, [])
  return value
}

export function useReadMark(conversation: Conversation | undefined, newestSeq: number, me: string) {
  const realtime = useRealtime()
  const attended = useWindowAttended()
  const sent = useRef(new Map<string, number>())
  const id = conversation?.id
  const myRead = conversation?.members.find((m) => m.userId === me)?.lastReadSeq ?? 0
  useEffect(() => {
    if (!id || !attended || newestSeq <= myRead || (sent.current.get(id) ?? 0) >= newestSeq) return
    sent.current.set(id, newestSeq)
    editConversation(id, (c) => withMark(c, 'read', me, newestSeq, me))
    if (realtime?.socket.connected) sendMark(realtime, 'read', id, newestSeq)
    else
      client.chat.markRead(id, newestSeq).catch(() => {
        sent.current.delete(id)
      })
  }, [id, attended, newestSeq, myRead, me, realtime])
}
