// Delivery ticks for my messages: one tick once the server has stored it (it has a seq), two once
// every other member's device has it (lastDeliveredSeq), coloured once every other member has read
// it (lastReadSeq). Reading implies having received, so a read mark counts as delivered too.
import type { ConversationMember } from '@caravan/sdk'

export type Tick = 'sending' | 'failed' | 'sent' | 'delivered' | 'read'

export function tickOf(seq: number, members: readonly ConversationMember[], me: string): 'sent' | 'delivered' | 'read' {
  const others = members.filter((m) => m.userId !== me)
  // Alone in a group: nobody else can receive it.
  if (!others.length) return 'sent'
  if (others.every((m) => m.lastReadSeq >= seq)) return 'read'
  if (others.every((m) => Math.max(m.lastDeliveredSeq, m.lastReadSeq) >= seq)) return 'delivered'
  return 'sent'
}
