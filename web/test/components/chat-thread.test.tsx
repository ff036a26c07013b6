// Chat's state rules without a page: a thread merges by seq (a resync never duplicates, a tombstone
// stays), finds the hole a missed event left, turns a pending message into the stored one whether
// the ack or message:new comes first; ticks from the members' marks; and the conversation list's
// unread counts, marks and order as events arrive.
import type { Conversation, ConversationMember } from '@caravan/sdk'
import { describe, expect, it } from 'vitest'
import { placeInList, withMark, withNewMessage, withServerCopy, type ConversationList } from '../../src/features/chat/conversationState'
import {
  acknowledge,
  addPending,
  contiguousEnd,
  emptyThread,
  leavesGap,
  markFailed,
  markSending,
  mergeMessages,
  reactionsWith,
  withDeleted,
  withMessages,
  withReaction,
  type PendingMessage,
  type Thread,
} from '../../src/features/chat/thread'
import { tickOf } from '../../src/features/chat/ticks'
import { ME, SARA, message } from './chat-fixtures'

const ALI = '00000000-0000-7000-8000-00000000000c'

const thread = (...seqs: number[]): Thread => ({ ...emptyThread(), messages: seqs.map((s) => message(s)) })
const seqs = (t: Thread) => t.messages.map((m) => m.seq)

function pending(clientMessageId: string, text = 'hi'): PendingMessage {
  return {
    clientMessageId,
    conversationId: 'c1',
    text,
    replyTo: null,
    attachments: [],
    createdAt: '2026-01-01T10:30:00.000Z',
    status: 'sending',
  }
}

const member = (userId: string, lastReadSeq: number, lastDeliveredSeq = lastReadSeq): ConversationMember => ({
  userId,
  externalId: null,
  name: userId === SARA ? 'Sara' : 'Ali',
  role: 'member',
  lastReadSeq,
  lastDeliveredSeq,
  online: false,
  lastSeenAt: null,
})

describe('a thread', () => {
  it('merges a resync by seq: overlaps replaced, never duplicated, in order', () => {
    const held = thread(1, 2, 3)
    const resync = [message(3, { text: 'edited', editedAt: '2026-01-01T11:00:00.000Z' }), message(5), message(4)]
    const merged = withMessages(withMessages(held, resync, ME), resync, ME)
    expect(seqs(merged)).toEqual([1, 2, 3, 4, 5])
    expect(merged.messages[2].text).toBe('edited')
    // Nothing new: the same object, so nothing re-renders.
    expect(withMessages(merged, [], ME)).toBe(merged)
  })

  it('keeps a tombstone over an older copy of the message it replaced', () => {
    const deleted = withDeleted(thread(1, 2), { id: 'm-2', deletedAt: '2026-01-01T12:00:00.000Z' })
    expect(deleted.messages[1]).toMatchObject({ text: null, attachments: [], deletedAt: '2026-01-01T12:00:00.000Z' })
    const merged = mergeMessages(deleted.messages, [message(2)])
    expect(merged[1].deletedAt).not.toBeNull()
    expect(merged[1].text).toBeNull()
  })

  it('finds where a resync starts when a live message left a hole', () => {
    expect(contiguousEnd(thread(4, 5, 6))).toBe(6)
    expect(contiguousEnd(thread(4, 5, 8, 9))).toBe(5)
    expect(contiguousEnd(emptyThread())).toBe(0)
    expect(leavesGap(thread(1, 2), 3)).toBe(false)
    expect(leavesGap(thread(1, 2), 4)).toBe(true)
    // Nothing held yet: the first page comes from the server anyway.
    expect(leavesGap(emptyThread(), 9)).toBe(false)
  })

  it('turns a pending message into the stored one when the ack comes first, then keeps one copy', () => {
    let t = addPending(thread(1), pending('p1', 'hello'))
    t = acknowledge(t, 'p1', { id: 'm-2', seq: 2, createdAt: '2026-01-01T10:31:00.000Z' }, ME)
    expect(t.pending).toEqual([])
    expect(t.messages[1]).toMatchObject({ id: 'm-2', seq: 2, senderId: ME, clientMessageId: 'p1', text: 'hello' })
    // message:new arrives after: the server's copy replaces the one built from the ack.
    t = withMessages(t, [message(2, { senderId: ME, clientMessageId: 'p1', text: 'hello', reactions: [] })], ME)
    expect(seqs(t)).toEqual([1, 2])
  })

  it('keeps the server copy when message:new comes before the ack', () => {
    let t = addPending(thread(1), pending('p1', 'hello'))
    t = withMessages(t, [message(2, { senderId: ME, clientMessageId: 'p1', text: 'hello' })], ME)
    expect(t.pending).toEqual([])
    const before = t.messages[1]
    t = acknowledge(t, 'p1', { id: 'm-2', seq: 2, createdAt: '2026-01-01T10:31:00.000Z' }, ME)
    expect(seqs(t)).toEqual([1, 2])
    expect(t.messages[1]).toBe(before)
  })

  it('does not take someone else’s message for my pending one', () => {
    let t = addPending(thread(1), pending('same-id'))
    t = withMessages(t, [message(2, { senderId: SARA, clientMessageId: 'same-id' })], ME)
    expect(t.pending.map((p) => p.clientMessageId)).toEqual(['same-id'])
  })

  it('a failed message is marked, and its retry keeps its clientMessageId', () => {
    let t = addPending(emptyThread(), pending('p1'))
    t = markFailed(t, 'p1', new Error('offline'))
    expect(t.pending[0]).toMatchObject({ clientMessageId: 'p1', status: 'failed' })
    t = markSending(t, 'p1')
    expect(t.pending[0]).toMatchObject({ clientMessageId: 'p1', status: 'sending', error: undefined })
    // Added again under the same id: still one.
    expect(addPending(t, pending('p1')).pending).toHaveLength(1)
  })

  it('applies a reaction once, however often the event comes', () => {
    const add = { messageId: 'm-1', userId: ME, emoji: '👍', added: true }
    let t = withReaction(withReaction(thread(1), add), add)
    expect(t.messages[0].reactions).toEqual([{ emoji: '👍', count: 1, userIds: [ME] }])
    t = withReaction(t, { ...add, userId: SARA })
    expect(t.messages[0].reactions[0]).toMatchObject({ count: 2 })
    t = withReaction(withReaction(t, { ...add, added: false }), { ...add, added: false })
    expect(t.messages[0].reactions).toEqual([{ emoji: '👍', count: 1, userIds: [SARA] }])
    expect(reactionsWith([], { ...add, added: false })).toEqual([])
  })
})

describe('ticks', () => {
  it('one tick when stored, two when every other member has it, read when every other member read it', () => {
    expect(tickOf(5, [member(ME, 5), member(SARA, 3, 4)], ME)).toBe('sent')
    expect(tickOf(5, [member(ME, 5), member(SARA, 3, 5)], ME)).toBe('delivered')
    expect(tickOf(5, [member(ME, 5), member(SARA, 5, 0)], ME)).toBe('read')
    // A group: the slowest member decides.
    expect(tickOf(5, [member(ME, 5), member(SARA, 9), member(ALI, 2, 5)], ME)).toBe('delivered')
    expect(tickOf(5, [member(ME, 5), member(SARA, 9), member(ALI, 2, 4)], ME)).toBe('sent')
    // Alone in a group: nobody else to receive it.
    expect(tickOf(5, [member(ME, 5)], ME)).toBe('sent')
  })
})

function conversation(id: string, lastSeq: number, at: string, over: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: 'direct',
    name: null,
    members: [member(ME, lastSeq), member(SARA, lastSeq)],
    lastSeq,
    lastMessage: null,
    unreadCount: 0,
    myRole: 'member',
    blocked: false,
    lastMessageAt: at,
    createdAt: at,
    ...over,
  }
}

describe('the conversation list', () => {
  it('counts others’ new messages as unread, not mine, and moves the sender’s read mark', () => {
    let c = conversation('c1', 3, '2026-01-01T10:00:00.000Z')
    c = withNewMessage(c, message(4), ME)
    expect(c).toMatchObject({ lastSeq: 4, unreadCount: 1, lastMessageAt: message(4).createdAt })
    expect(c.members.find((m) => m.userId === SARA)?.lastReadSeq).toBe(4)
    c = withNewMessage(c, message(5, { senderId: ME }), ME)
    // Sending means having read up to it, as the server records.
    expect(c.unreadCount).toBe(0)
    expect(tickOf(5, c.members, ME)).toBe('sent')
  })

  it('moves marks only forward and recounts my unread on my own read', () => {
    let c = conversation('c1', 9, '2026-01-01T10:00:00.000Z', { members: [member(ME, 2), member(SARA, 9)], unreadCount: 7 })
    c = withMark(c, 'read', ME, 6, ME)
    expect(c.unreadCount).toBe(3)
    expect(withMark(c, 'read', ME, 4, ME)).toBe(c)
    c = withMark(c, 'delivered', SARA, 12, ME)
    expect(c.members.find((m) => m.userId === SARA)).toMatchObject({ lastReadSeq: 9, lastDeliveredSeq: 12 })
  })

  it('keeps my unread count and role under the server’s copy', () => {
    const mine = conversation('c1', 5, '2026-01-01T10:00:00.000Z', {
      members: [member(ME, 3), member(SARA, 5)],
      unreadCount: 2,
      kind: 'group',
      name: 'Trip',
    })
    const { unreadCount: _u, myRole: _r, ...copy } = { ...mine, name: 'Friday trip' }
    expect(withServerCopy(mine, copy, ME)).toMatchObject({ name: 'Friday trip', unreadCount: 2 })
  })

  it('puts the conversation with new activity first, once', () => {
    const list: ConversationList = {
      pageParams: [undefined],
      pages: [
        {
          items: [conversation('b', 1, '2026-01-02T10:00:00.000Z'), conversation('a', 1, '2026-01-01T10:00:00.000Z')],
          nextCursor: null,
        },
      ],
    }
    const moved = placeInList(list, { ...list.pages[0].items[1], lastMessageAt: '2026-01-03T10:00:00.000Z' })
    expect(moved.pages[0].items.map((c) => c.id)).toEqual(['a', 'b'])
  })
})
