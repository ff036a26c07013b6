// Sending: the message shows at once as pending, goes out through the socket (`message:send`,
// answered with its seq) or, while the socket is down, through REST; the answer turns it into the
// stored message. A failure leaves it with Retry, which sends the SAME clientMessageId, so a send
// that did reach the server before failing is answered with the first message, never a copy.
import type { CaravanRealtime, ChatMessage, FileView } from '@caravan/sdk'
import { useRealtime } from '../auth/live'
import { useSignedInUser } from '../auth/session'
import { client } from '../auth/session'
import { conversationGotMessage, editOrStartThread, editThread, getThread } from './queries'
import { acknowledge, addPending, dropPending, markFailed, markSending, messageFromAck, type PendingMessage, type SendAck } from './thread'

export interface Draft {
  text: string
  replyTo: ChatMessage | null
  attachments: FileView[]
}

async function deliver(realtime: CaravanRealtime | null, pending: PendingMessage, me: string) {
  const { conversationId, clientMessageId, text } = pending
  const body = {
    clientMessageId,
    text,
    ...(pending.replyTo ? { replyTo: pending.replyTo.id } : {}),
    ...(pending.attachments.length ? { attachmentIds: pending.attachments.map((a) => a.id) } : {}),
  }
  try {
    let ack: SendAck
    if (realtime?.socket.connected) {
      ack = await realtime.call<SendAck>('message:send', { conversationId, ...body })
    } else {
      const stored = await client.chat.send(conversationId, body)
      ack = { id: stored.id, seq: stored.seq, createdAt: stored.createdAt }
    }
    editThread(conversationId, (t) => acknowledge(t, clientMessageId, ack, me))
    conversationGotMessage(messageFromAck(pending, ack, me), me)
  } catch (error) {
    editThread(conversationId, (t) => markFailed(t, clientMessageId, error))
  }
}

export function useSend(conversationId: string) {
  const realtime = useRealtime()
  const me = useSignedInUser().id
  return {
    send(draft: Draft) {
      const pending: PendingMessage = {
        clientMessageId: crypto.randomUUID(),
        conversationId,
        text: draft.text,
        replyTo: draft.replyTo && {
          id: draft.replyTo.id,
          seq: draft.replyTo.seq,
          senderId: draft.replyTo.senderId,
          text: draft.replyTo.text?.slice(0, 200) ?? null,
        },
        attachments: draft.attachments,
        createdAt: new Date().toISOString(),
        status: 'sending',
      }
      // Sent before the history has loaded, it is held all the same (the first read merges into it).
      editOrStartThread(conversationId, (t) => addPending(t, pending))
      void deliver(realtime, pending, me)
    },
    retry(clientMessageId: string) {
      const pending = getThread(conversationId)?.pending.find((p) => p.clientMessageId === clientMessageId)
      if (!pending || pending.status === 'sending') return
      editThread(conversationId, (t) => markSending(t, clientMessageId))
      void deliver(realtime, pending, me)
    },
    discard(clientMessageId: string) {
      editThread(conversationId, (t) => dropPending(t, clientMessageId))
    },
  }
}
