// automatedReason: one case per rule that marks a mail as machine-sent, and the look-alikes
// (List-Id, X-Auto-Response-Suppress, Auto-Submitted: no) that a person's mail carries too.
import { describe, expect, it } from 'vitest'
import type { InboundMail } from '../../../src/modules/support/email/inbound-mail.js'
import { automatedReason } from '../../../src/modules/support/email/loops.js'

const OWN = ['mail.caravan.test']

function mail(headers: Record<string, string> = {}, extra: Partial<InboundMail> = {}): InboundMail {
  return {
    from: { address: 'sara@example.com', name: 'Sara' },
    to: ['support@acme.test'],
    subject: 'Help',
    text: 'My order is late',
    messageId: 'CAF123@mail.gmail.com',
    inReplyTo: null,
    references: [],
    headers,
    attachments: [],
    date: null,
    ...extra,
  }
}

describe('automatedReason', () => {
  it('a person’s mail is not automated', () => {
    expect(automatedReason(mail(), OWN)).toBeNull()
  })

  it('Auto-Submitted other than "no" is automated, with parameters; "no" is not', () => {
    expect(automatedReason(mail({ 'auto-submitted': 'auto-replied' }), OWN)).toBe('auto-submitted: auto-replied')
    expect(automatedReason(mail({ 'auto-submitted': 'Auto-Generated; owner-email="x@y"' }), OWN)).toBe('auto-submitted: auto-generated')
    expect(automatedReason(mail({ 'auto-submitted': 'No' }), OWN)).toBeNull()
  })

  it('Precedence bulk, junk, list, auto_reply is automated; other values are not', () => {
    for (const value of ['bulk', 'junk', 'list', 'auto_reply', 'Bulk']) {
      expect(automatedReason(mail({ precedence: value }), OWN)).toBe(`precedence: ${value.toLowerCase()}`)
    }
    expect(automatedReason(mail({ precedence: 'first-class' }), OWN)).toBeNull()
  })

  it('X-Autoreply is automated', () => {
    expect(automatedReason(mail({ 'x-autoreply': 'yes' }), OWN)).toBe('x-autoreply')
  })

  it('X-Autorespond is automated', () => {
    expect(automatedReason(mail({ 'x-autorespond': 'Out of office' }), OWN)).toBe('x-autorespond')
  })

  it('a null Return-Path <> (bounce) is automated; a real one is not', () => {
    expect(automatedReason(mail({ 'return-path': '<>' }), OWN)).toBe('null return-path')
    expect(automatedReason(mail({ 'return-path': '< >' }), OWN)).toBe('null return-path')
    expect(automatedReason(mail({ 'return-path': '<sara@example.com>' }), OWN)).toBeNull()
  })

  it('From MAILER-DAEMON or postmaster is automated', () => {
    expect(automatedReason(mail({}, { from: { address: 'mailer-daemon@mx.example.com', name: 'Mail Delivery System' } }), OWN)).toBe(
      'from mailer-daemon',
    )
    expect(automatedReason(mail({}, { from: { address: 'postmaster@example.com', name: null } }), OWN)).toBe('from postmaster')
    expect(automatedReason(mail({}, { from: { address: 'postmaster.sara@example.com', name: null } }), OWN)).toBeNull()
  })

  it('a Message-ID in one of our own domains (our mail came back) is automated; a subdomain or another domain is not', () => {
    expect(automatedReason(mail({}, { messageId: 'ticket-1-2@Mail.Caravan.test' }), OWN)).toBe('own message-id')
    expect(automatedReason(mail({}, { messageId: 'x@sub.mail.caravan.test' }), OWN)).toBeNull()
    expect(automatedReason(mail({}, { messageId: 'mail.caravan.test' }), OWN)).toBeNull()
    expect(automatedReason(mail({}, { messageId: 'ticket-1-2@mail.caravan.test' }), [])).toBeNull()
  })

  it('our own X-Caravan-Ticket header coming back is automated', () => {
    expect(automatedReason(mail({ 'x-caravan-ticket': '0190a0b0-0000-7000-8000-000000000001' }), OWN)).toBe('own x-caravan-ticket')
  })

  it('List-Id alone, or with List-Unsubscribe, is a person’s mail', () => {
    expect(
      automatedReason(mail({ 'list-id': 'Customers <customers.example.com>', 'list-unsubscribe': '<mailto:u@example.com>' }), OWN),
    ).toBeNull()
  })

  it('X-Auto-Response-Suppress (Outlook puts it on ordinary mail) is a person’s mail', () => {
    expect(automatedReason(mail({ 'x-auto-response-suppress': 'All' }), OWN)).toBeNull()
    expect(automatedReason(mail({ 'x-auto-response-suppress': 'OOF, AutoReply' }), OWN)).toBeNull()
  })
})
