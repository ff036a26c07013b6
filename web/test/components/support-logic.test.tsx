// The support desk's pure pieces: a timeline entry's sentence (and the Persian one on screen),
// entries and ticket states arriving over the socket, the "/shortcut" the composer watches for,
// the SLA clock a list shows, the console's keyboard shortcuts, and which changes can move a
// ticket in or out of a filtered inbox.
import type { SlaClock, Ticket, TicketDetail, TicketEvent } from '@caravan/sdk'
import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { eventSentence, mergeTarget, withEvent, withTicket, type Naming } from '../../src/features/support/entries'
import { urgentClock } from '../../src/features/support/labels'
import { changesMembership } from '../../src/features/support/queries'
import { deskAction, isTypingTarget } from '../../src/features/support/shortcuts'
import { replaceToken, slashTokenAt } from '../../src/features/support/slash'
import { Timeline } from '../../src/features/support/Timeline'
import { renderUi, setLocale } from './ui-render'

const SARA = { id: 'u-sara', name: 'Sara', externalId: null }
const ALI = { id: 'u-ali', name: 'Ali', externalId: null }

function entry(kind: TicketEvent['kind'], fields: Partial<TicketEvent> = {}): TicketEvent {
  return {
    id: `e-${Math.random().toString(36).slice(2)}`,
    ticketId: 't-1',
    kind,
    public: kind === 'reply' || kind === 'status' || kind === 'merge',
    author: ALI,
    byAgent: true,
    body: null,
    data: null,
    attachmentIds: [],
    createdAt: '2030-01-01T10:00:00.000Z',
    ...fields,
  }
}

const ticket: Ticket = {
  id: 't-1',
  number: 42,
  subject: 'Cannot log in',
  status: 'open',
  priority: 'normal',
  channel: 'web',
  requester: SARA,
  mergedIntoId: null,
  createdAt: '2030-01-01T09:00:00.000Z',
  updatedAt: '2030-01-01T10:00:00.000Z',
  solvedAt: null,
  closedAt: null,
  csat: null,
  canRate: false,
}

const naming: Naming = {
  author: (e) => e.author?.name ?? 'Support',
  person: (id) => ({ 'u-ali': 'Ali', 'u-mina': 'Mina' })[id] ?? 'An agent',
  team: (id) => (id === 'team-b' ? 'Billing' : 'another team'),
  status: (s) => s.toUpperCase(),
  priority: (p) => p.toUpperCase(),
  number: (n) => `#${n}`,
  tags: (tags) => tags.join(', '),
}

describe('timeline sentences', () => {
  it('says each change of a field, and nothing for replies and notes (their text is the entry)', () => {
    const say = (e: TicketEvent) => eventSentence(e, naming)
    expect(say(entry('reply', { body: 'hi' }))).toBeNull()
    expect(say(entry('note', { body: 'psst' }))).toBeNull()
    expect(say(entry('status', { data: { from: 'open', to: 'solved' } }))).toEqual({
      key: 'support.event.status',
      values: { name: 'Ali', status: 'SOLVED' },
    })
    // Nobody's change: a customer's reply reopened it, or the desk closed it after a while.
    expect(say(entry('status', { author: null, byAgent: false, data: { from: 'solved', to: 'open' } }))?.key).toBe('support.event.reopened')
    expect(say(entry('status', { author: null, byAgent: false, data: { from: 'solved', to: 'closed' } }))?.key).toBe(
      'support.event.autoClosed',
    )
    expect(say(entry('status', { data: null }))).toBeNull()
    expect(say(entry('priority', { data: { from: 'normal', to: 'urgent' } }))).toEqual({
      key: 'support.event.priority',
      values: { name: 'Ali', from: 'NORMAL', to: 'URGENT' },
    })
    expect(say(entry('priority', { data: { to: 'urgent' } }))).toBeNull()
    expect(say(entry('team', { data: { from: 'team-a', to: 'team-b' } }))?.values).toEqual({ name: 'Ali', team: 'Billing' })
    expect(say(entry('team', { data: {} }))).toBeNull()
  })

  it('tells assignments apart: automatic, taken, given, left unassigned, lost with a role', () => {
    const say = (data: Record<string, unknown>, author = ALI as TicketEvent['author']) =>
      eventSentence(entry('assignment', { data, author }), naming)
    expect(say({ from: null, to: 'u-mina', auto: true }, null)).toEqual({ key: 'support.event.autoAssigned', values: { to: 'Mina' } })
    expect(say({ from: null, to: 'u-ali' })).toEqual({ key: 'support.event.took', values: { name: 'Ali' } })
    expect(say({ from: 'u-ali', to: 'u-mina' })).toEqual({ key: 'support.event.assigned', values: { name: 'Ali', to: 'Mina' } })
    expect(say({ from: 'u-mina', to: null })).toEqual({ key: 'support.event.unassigned', values: { name: 'Ali' } })
    expect(say({ from: 'u-mina', to: null, reason: 'demoted' }, null)).toEqual({ key: 'support.event.demoted', values: { from: 'Mina' } })
  })

  it('lists tags added and removed, and points merges at the other ticket', () => {
    const tags = (data: Record<string, unknown>) => eventSentence(entry('tags', { data }), naming)
    expect(tags({ added: ['vip', 'billing'], removed: [] })).toEqual({
      key: 'support.event.tagsAdded',
      values: { name: 'Ali', tags: 'vip, billing', count: '2' },
    })
    expect(tags({ added: [], removed: ['old'] })?.key).toBe('support.event.tagsRemoved')
    expect(tags({ added: ['a'], removed: ['b'] })?.values).toEqual({ name: 'Ali', added: 'a', removed: 'b' })
    expect(tags({ added: [], removed: [] })).toBeNull()

    const into = entry('merge', { data: { ticketId: 't-9', number: 9, direction: 'into' } })
    expect(eventSentence(into, naming)).toEqual({ key: 'support.event.mergedInto', values: { number: '#9' } })
    expect(mergeTarget(into)).toBe('t-9')
    const from = entry('merge', { data: { ticketId: 't-3', number: 3, direction: 'from' } })
    expect(eventSentence(from, naming)).toEqual({ key: 'support.event.mergedFrom', values: { number: '#3' } })
    expect(eventSentence(entry('merge', { data: { direction: 'into' } }), naming)).toBeNull()
    expect(mergeTarget(entry('status', { data: { ticketId: 'x' } }))).toBeNull()
  })

  it('shows the customer their own view only, in Persian: notes never, changes as sentences with Persian digits', async () => {
    setLocale('fa')
    const detail: TicketDetail = {
      ticket,
      events: [
        entry('reply', { author: SARA, byAgent: false, body: 'رمزم را فراموش کرده‌ام' }),
        entry('note', { body: 'secret: VIP customer', createdAt: '2030-01-01T10:01:00.000Z' }),
        entry('reply', { body: 'Try the reset link', createdAt: '2030-01-01T10:02:00.000Z' }),
        entry('status', { data: { from: 'open', to: 'solved' }, createdAt: '2030-01-01T10:03:00.000Z' }),
        entry('merge', { data: { ticketId: 't-77', number: 77, direction: 'into' }, createdAt: '2030-01-01T10:04:00.000Z' }),
      ],
    }
    renderUi(<Timeline detail={detail} audience="customer" me="u-sara" />)
    const list = await screen.findByRole('list', { name: 'روند تیکت' })
    expect(list.textContent).toContain('رمزم را فراموش کرده‌ام')
    expect(list.textContent).toContain('شما')
    expect(list.textContent).not.toContain('secret')
    expect(list.textContent).toContain(
      'Ali وضعیت را به «حل‌شده» تغییر داد.'.replace('Ali', '\u2068Ali\u2069').replace('حل‌شده', '\u2068حل‌شده\u2069'),
    )
    expect(list.textContent).toContain('در \u2068#۷۷\u2069 ادغام شد.')
    expect(screen.getByRole('link', { name: 'باز کردن \u2068#۷۷\u2069' }).getAttribute('href')).toBe('/support/tickets/t-77')
  })
})

describe('entries and states from the socket', () => {
  const detail: TicketDetail = { ticket, events: [entry('reply', { id: 'a', createdAt: '2030-01-01T10:00:00.000Z' })] }

  it('adds an entry once, in time order, and only to its own ticket', () => {
    const late = entry('reply', { id: 'c', createdAt: '2030-01-01T10:05:00.000Z' })
    const early = entry('note', { id: 'b', createdAt: '2030-01-01T10:01:00.000Z' })
    const both = withEvent(withEvent(detail, late), early)
    expect(both.events.map((e) => e.id)).toEqual(['a', 'b', 'c'])
    expect(withEvent(both, late)).toBe(both)
    expect(withEvent(detail, { ...late, ticketId: 'other' })).toBe(detail)
  })

  it('takes a newer ticket state and ignores an older one, keeping the desk fields a customer view lacks', () => {
    const held: TicketDetail = { ...detail, ticket: { ...ticket, tags: ['vip'] } }
    const newer = withTicket(held, { ...ticket, status: 'solved', updatedAt: '2030-01-01T11:00:00.000Z' })
    expect(newer.ticket.status).toBe('solved')
    expect(newer.ticket.tags).toEqual(['vip'])
    expect(withTicket(held, { ...ticket, status: 'pending', updatedAt: '2030-01-01T09:30:00.000Z' })).toBe(held)
    expect(withTicket(held, { ...ticket, id: 'other' })).toBe(held)
  })

  it('reads the inbox again only for changes that can move a ticket in or out of a view', () => {
    const agentView: Ticket = { ...ticket, assignee: null, tags: [], sla: [{ metric: 'resolution', status: 'running', dueAt: null }] }
    expect(changesMembership(null, agentView)).toBe(true)
    expect(changesMembership(agentView, { ...agentView, subject: 'Renamed' })).toBe(false)
    expect(changesMembership(agentView, { ...agentView, status: 'pending' })).toBe(true)
    expect(changesMembership(agentView, { ...agentView, assignee: ALI })).toBe(true)
    expect(changesMembership(agentView, { ...agentView, tags: ['vip'] })).toBe(true)
    expect(changesMembership(agentView, { ...agentView, priority: 'high' })).toBe(true)
    expect(changesMembership(agentView, { ...agentView, sla: [{ metric: 'resolution', status: 'at_risk', dueAt: null }] })).toBe(true)
  })
})

describe('the composer’s /shortcut', () => {
  it('finds "/word" at the caret when the slash starts a word', () => {
    expect(slashTokenAt('/', 1)).toEqual({ start: 0, end: 1, query: '' })
    expect(slashTokenAt('Hello /tha', 10)).toEqual({ start: 6, end: 10, query: 'tha' })
    expect(slashTokenAt('سلام\n/تشکر', 10)).toEqual({ start: 5, end: 10, query: 'تشکر' })
    // The caret decides: a slash word before it, then more typing after a space, is over.
    expect(slashTokenAt('/thanks and more', 16)).toBeNull()
    expect(slashTokenAt('/thanks and more', 7)).toEqual({ start: 0, end: 7, query: 'thanks' })
    // Not a shortcut: inside a word, a link, a path.
    expect(slashTokenAt('and/or', 6)).toBeNull()
    expect(slashTokenAt('see https://x', 13)).toBeNull()
    expect(slashTokenAt('a /b/c', 6)).toBeNull()
  })

  it('replaces the word with the response and puts the caret after it', () => {
    const text = 'Hi /tha, bye'
    const token = slashTokenAt(text, 7)!
    expect(replaceToken(text, token, 'Thanks Sara!')).toEqual({ text: 'Hi Thanks Sara!, bye', caret: 15 })
  })
})

describe('the SLA clock a list shows', () => {
  const clock = (metric: SlaClock['metric'], status: SlaClock['status'], dueAt: string | null = null): SlaClock => ({
    metric,
    status,
    dueAt,
  })

  it('breached before at risk before running, the earliest due first; nothing once every clock stopped', () => {
    expect(urgentClock(undefined)).toBeNull()
    expect(urgentClock([clock('first_response', 'met'), clock('next_response', 'none')])).toBeNull()
    const running = clock('resolution', 'running', '2030-01-03T00:00:00Z')
    const soon = clock('first_response', 'running', '2030-01-01T12:00:00Z')
    expect(urgentClock([running, soon])).toBe(soon)
    const risk = clock('resolution', 'at_risk', '2030-01-02T00:00:00Z')
    expect(urgentClock([soon, risk, clock('first_response', 'met')])).toBe(risk)
    const breached = clock('next_response', 'breached', null)
    expect(urgentClock([risk, breached, soon])).toBe(breached)
  })
})

describe('keyboard shortcuts', () => {
  it('maps j, k, r, ? and the g-then-i sequence; other keys do nothing', () => {
    expect(deskAction('j', null)).toEqual({ action: 'next', pending: null })
    expect(deskAction('k', null).action).toBe('previous')
    expect(deskAction('r', null).action).toBe('reply')
    expect(deskAction('?', null).action).toBe('help')
    expect(deskAction('g', null)).toEqual({ action: null, pending: 'g' })
    expect(deskAction('i', 'g')).toEqual({ action: 'inbox', pending: null })
    expect(deskAction('j', 'g')).toEqual({ action: null, pending: null })
    expect(deskAction('x', null)).toEqual({ action: null, pending: null })
  })

  it('never fires while typing in a field', () => {
    const input = document.createElement('input')
    const area = document.createElement('textarea')
    const div = document.createElement('div')
    const box = document.createElement('div')
    box.setAttribute('role', 'textbox')
    expect([input, area, box].map(isTypingTarget)).toEqual([true, true, true])
    expect(isTypingTarget(div)).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})
