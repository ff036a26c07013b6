// Chat message fixtures shared by the chat component tests.
import type { ChatMessage } from '@caravan/sdk'

export const ME = '00000000-0000-7000-8000-00000000000a'
export const SARA = '00000000-0000-7000-8000-00000000000b'

/** A stored text message from Sara in conversation c1, one minute apart by seq. */
export function message(seq: number, over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `m-${seq}`,
    conversationId: 'c1',
    seq,
    senderId: SARA,
    clientMessageId: `cm-${seq}`,
    kind: 'text',
    text: `message ${seq}`,
    system: null,
    replyTo: null,
    attachments: [],
    reactions: [],
    flagged: false,
    editedAt: null,
    deletedAt: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 10, seq)).toISOString(),
    ...over,
  }
}
