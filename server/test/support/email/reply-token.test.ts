// Reply tokens (HMAC-signed ticket ids in plus-addresses) and our own threading Message-IDs.
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  readReplyToken,
  replyAddress,
  replyToken,
  threadMessageId,
  ticketIdFromMessageIds,
  tokenFromAddresses,
} from '../../../src/modules/support/email/reply-token.js'

const SECRET = 'test-secret-0123456789abcdef'
const TICKET = '0190a0b0-1c2d-7e3f-8a4b-5c6d7e8f9a0b'
const OTHER = '0190a0b0-1c2d-7e3f-8a4b-000000000002'

describe('reply tokens', () => {
  it('round trip: ticket id, a dot, 16 characters of the HMAC', () => {
    const token = replyToken(SECRET, TICKET)
    const mac = createHmac('sha256', SECRET)
      .update('reply:' + TICKET)
      .digest('base64url')
      .slice(0, 16)
      .toLowerCase()
    expect(token).toBe(`${TICKET}.${mac}`)
    expect(readReplyToken(SECRET, token)).toBe(TICKET)
    // Mail may change the case of an address on the way.
    expect(readReplyToken(SECRET, token.toUpperCase())).toBe(TICKET)
    expect(replyToken(SECRET, TICKET.toUpperCase())).toBe(token)
  })

  it('a forged HMAC is refused', () => {
    const token = replyToken(SECRET, TICKET)
    const last = token.at(-1) === 'a' ? 'b' : 'a'
    expect(readReplyToken(SECRET, token.slice(0, -1) + last)).toBeNull()
    expect(readReplyToken('another-secret', token)).toBeNull()
  })

  it('a token moved to another ticket id is refused', () => {
    const token = replyToken(SECRET, TICKET)
    expect(readReplyToken(SECRET, OTHER + token.slice(TICKET.length))).toBeNull()
  })

  it('garbage is refused', () => {
    for (const garbage of [
      '',
      '.',
      'abc',
      `${TICKET}.`,
      `.${'a'.repeat(16)}`,
      `${TICKET}.short`,
      `${TICKET}.${'a'.repeat(17)}`,
      'x'.repeat(500),
    ]) {
      expect(readReplyToken(SECRET, garbage)).toBeNull()
    }
    expect(() => replyToken(SECRET, 'not-a-uuid')).toThrow()
    expect(() => replyToken('', TICKET)).toThrow()
  })

  it('replyAddress plus-addresses the team address; tokenFromAddresses finds it among mixed-case recipients', () => {
    const token = replyToken(SECRET, TICKET)
    const address = replyAddress('Support@Acme.test', token)
    expect(address).toBe(`support+${token}@acme.test`)
    expect(tokenFromAddresses(SECRET, ['Other@Example.com', address.toUpperCase()])).toBe(TICKET)
    expect(tokenFromAddresses(SECRET, [`<SUPPORT+SALES+${token.toUpperCase()}@ACME.TEST>`])).toBe(TICKET)
    expect(
      tokenFromAddresses(SECRET, ['support@acme.test', 'support+sales@acme.test', `support+${token.slice(0, -1)}x@acme.test`]),
    ).toBeNull()
    expect(tokenFromAddresses(SECRET, [])).toBeNull()
    expect(() => replyAddress('support', token)).toThrow()
  })

  it('threadMessageId / ticketIdFromMessageIds round trip; a foreign domain or a look-alike is not ours', () => {
    const eventId = '0190a0b0-aaaa-7bbb-8ccc-dddddddddddd'
    const id = threadMessageId(TICKET, eventId, 'Mail.Caravan.test')
    expect(id).toBe(`<ticket-${TICKET}-${eventId}@mail.caravan.test>`)
    // InboundMail hands ids over without brackets; headers may still have them.
    expect(ticketIdFromMessageIds(['CAF1@mail.gmail.com', id.slice(1, -1)], 'mail.caravan.test')).toBe(TICKET)
    expect(ticketIdFromMessageIds([id], 'MAIL.caravan.test')).toBe(TICKET)
    expect(ticketIdFromMessageIds([id.slice(1, -1)], 'evil.test')).toBeNull()
    expect(ticketIdFromMessageIds([`ticket-${TICKET}-1@mail.caravan.test.evil.test`], 'mail.caravan.test')).toBeNull()
    expect(ticketIdFromMessageIds(['ticket-123-1@mail.caravan.test', 'garbage', ''], 'mail.caravan.test')).toBeNull()
    // The first of ours wins: callers pass In-Reply-To first.
    const older = threadMessageId(OTHER, 'e1', 'mail.caravan.test')
    expect(ticketIdFromMessageIds([id, older], 'mail.caravan.test')).toBe(TICKET)
    expect(() => threadMessageId(TICKET, 'bad id', 'mail.caravan.test')).toThrow()
  })
})
