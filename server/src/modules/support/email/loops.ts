// Mail a machine sent: answering it (or opening a ticket for it) starts auto-reply ping-pong or fills the
// queue with bounces. Only signals that mean "automated" are used; softer hints (List-Id, Outlook's
// X-Auto-Response-Suppress) also appear on mail a person wrote, and a lost customer mail costs more
// than an occasional newsletter ticket.
import type { InboundMail } from './inbound-mail'

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply'])
const SYSTEM_SENDERS = new Set(['mailer-daemon', 'postmaster'])

/**
 * Why `mail` counts as automated, or null for a person's mail. `ownDomains` are the domains of the
 * Message-IDs we generate (threadMessageId), not the support addresses' domains: a colleague at the
 * customer's own domain writing to its support address is a person.
 */
export function automatedReason(mail: InboundMail, ownDomains: string[]): string | null {
  const h = mail.headers
  const token = (name: string) => h[name]?.split(';')[0].trim().toLowerCase()

  // RFC 3834: Auto-Submitted with any value but 'no' (auto-replied, auto-generated, auto-notified).
  const autoSubmitted = token('auto-submitted')
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-submitted: ${autoSubmitted}`
  // Precedence bulk/junk/list/auto_reply: vacation responders and mass mailers mark themselves so.
  const precedence = token('precedence')
  if (precedence && BULK_PRECEDENCE.has(precedence)) return `precedence: ${precedence}`
  // X-Autoreply / X-Autorespond: set by responders (cPanel, Exchange, Zimbra) that predate RFC 3834.
  if (h['x-autoreply'] !== undefined) return 'x-autoreply'
  if (h['x-autorespond'] !== undefined) return 'x-autorespond'
  // Null reverse-path (Return-Path: <>): bounces and DSNs, which must never be answered (RFC 5321 §4.5.5).
  if (h['return-path'] !== undefined && /^<\s*>$/.test(h['return-path'].trim())) return 'null return-path'
  // MAILER-DAEMON / postmaster: delivery reports from mail servers, whatever headers they carry.
  const localPart = mail.from.address.slice(0, mail.from.address.lastIndexOf('@')).toLowerCase()
  if (SYSTEM_SENDERS.has(localPart)) return `from ${localPart}`
  // Our own Message-ID domain: one of our outgoing mails came back (a forward rule, an alias loop).
  const at = mail.messageId?.lastIndexOf('@') ?? -1
  const idDomain = at > 0 ? mail.messageId!.slice(at + 1).toLowerCase() : null
  if (idDomain && ownDomains.some((d) => d.toLowerCase() === idDomain)) return 'own message-id'
  // X-Caravan-Ticket is only on mail we send; replies never copy it, so its presence means our own mail came back.
  if (h['x-caravan-ticket'] !== undefined) return 'own x-caravan-ticket'
  // Not rules: List-Id/List-Unsubscribe (people write to support from list tools too) and
  // X-Auto-Response-Suppress (Outlook and some CRMs put it on ordinary mail to ask *others* not to auto-reply).
  return null
}
