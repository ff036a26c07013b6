// Tying a received mail to its ticket. Two ways, both produced by us when an agent's reply goes out:
// - a reply token in the Reply-To plus-address (support+<token>@acme.test): HMAC-signed, so a mail
//   cannot be pushed into a ticket by guessing or copying an id;
// - our own Message-ID on the outgoing mail, which the customer's client quotes back in In-Reply-To /
//   References. Headers are not signed: anyone who has seen one mail of the thread can quote its id,
//   so treat a match as a hint and check the sender belongs to the ticket (or require the token).
import { createHmac, timingSafeEqual } from 'node:crypto'

const MAC_LENGTH = 16
// Ticket ids are UUIDs; lower-case, because mail addresses get case-folded on the way (our parser does it).
const TICKET_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const MAC = new RegExp(`^[a-z0-9_-]{${MAC_LENGTH}}$`)
// What may follow the ticket id in a Message-ID we generate: RFC 5322 atext, minus what would confuse parsing.
const EVENT_ID = /^[A-Za-z0-9._-]{1,100}$/

function ticketIdOrThrow(ticketId: string): string {
  const id = ticketId.toLowerCase()
  if (!TICKET_ID.test(id)) throw new Error(`not a ticket id (UUID): ${ticketId}`)
  return id
}

/**
 * First 16 base64url characters of HMAC-SHA256(secret, 'reply:' + ticketId), lower-cased: mail servers and
 * clients may change the case of an address, so the token must survive it (16 case-folded base64url
 * characters still carry about 84 bits).
 */
function mac(secret: string, ticketId: string): string {
  if (!secret) throw new Error('reply token secret is empty')
  return createHmac('sha256', secret)
    .update('reply:' + ticketId)
    .digest('base64url')
    .slice(0, MAC_LENGTH)
    .toLowerCase()
}

/** '<ticketId>.<mac>' (lower-case), short enough for the local part of a plus-address. */
export function replyToken(secret: string, ticketId: string): string {
  const id = ticketIdOrThrow(ticketId)
  return `${id}.${mac(secret, id)}`
}

/** The ticket id a token stands for, or null for a garbled or forged one. Case-insensitive. */
export function readReplyToken(secret: string, token: string): string | null {
  const clean = token.trim().toLowerCase()
  const dot = clean.lastIndexOf('.')
  const id = clean.slice(0, dot)
  const given = clean.slice(dot + 1)
  if (dot <= 0 || !TICKET_ID.test(id) || !MAC.test(given)) return null
  // Both sides are 16 ASCII characters, so the lengths match as timingSafeEqual requires.
  return timingSafeEqual(Buffer.from(given), Buffer.from(mac(secret, id))) ? id : null
}

/** 'support@acme.test' + token → 'support+<token>@acme.test' (lower-cased). */
export function replyAddress(address: string, token: string): string {
  const at = address.lastIndexOf('@')
  if (at <= 0 || at === address.length - 1) throw new Error(`not a mail address: ${address}`)
  return `${address.slice(0, at)}+${token}@${address.slice(at + 1)}`.toLowerCase()
}

/**
 * The ticket id from the first recipient whose plus-tag is a valid token, or null. Every '+'-separated
 * tag is tried, since the team address may carry a tag of its own (support+sales+<token>@…).
 */
export function tokenFromAddresses(secret: string, addresses: string[]): string | null {
  for (const raw of addresses) {
    const address = raw.trim().replace(/^<(.*)>$/, '$1')
    const local = address.slice(0, address.lastIndexOf('@'))
    for (const tag of local.split('+').slice(1)) {
      const id = readReplyToken(secret, tag)
      if (id) return id
    }
  }
  return null
}

/** The Message-ID (with angle brackets, as the header wants it) of one outgoing ticket mail. */
export function threadMessageId(ticketId: string, eventId: string, domain: string): string {
  const id = ticketIdOrThrow(ticketId)
  if (!EVENT_ID.test(eventId)) throw new Error(`event id cannot go into a Message-ID: ${eventId}`)
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new Error(`not a domain: ${domain}`)
  return `<ticket-${id}-${eventId}@${domain.toLowerCase()}>`
}

const OUR_MESSAGE_ID = /^ticket-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-[A-Za-z0-9._-]+@([A-Za-z0-9.-]+)$/i

/**
 * The ticket id from the first of `ids` (with or without brackets) that is one of our threadMessageIds for
 * `domain`, or null. Pass the most telling first: In-Reply-To, then References newest first.
 */
export function ticketIdFromMessageIds(ids: string[], domain: string): string | null {
  for (const raw of ids) {
    const match = OUR_MESSAGE_ID.exec(raw.trim().replace(/^<(.*)>$/, '$1'))
    if (match && match[2].toLowerCase() === domain.toLowerCase()) return match[1].toLowerCase()
  }
  return null
}
