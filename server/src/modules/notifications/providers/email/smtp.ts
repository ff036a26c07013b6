// Email over SMTP with nodemailer: any mail server or relay (Postfix, Amazon SES SMTP, Mailgun
// SMTP, a corporate Exchange). One connection per send, so the provider stays stateless and a
// broken connection never outlives the message that found it.
import { createTransport } from 'nodemailer'
import type { NodemailerError } from 'nodemailer/lib/errors'
import { redactor } from '../../../../core/net/service-http'
import { ProviderError, type CheckResult, type EmailMessage, type EmailProvider, type SendResult } from '../types'

export interface SmtpConfig {
  host: string
  port: number
  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean
  user?: string
  pass?: string
  /** Default sender, "Name <address>" or address. */
  from: string
  /** Refuse to send (and to log in) unless the connection was upgraded with STARTTLS. */
  requireTLS?: boolean
  /** Deadline for one whole send, connect to final reply. Default 30 s. */
  timeoutMs?: number
}

/** The header that ties a received message back to our delivery row. */
export const DELIVERY_ID_HEADER = 'X-Caravan-Delivery-Id'

// RCPT TO replies that say the mailbox itself is dead (RFC 5321 §4.2.2): 550 mailbox
// unavailable, 551 user not local, 553 mailbox name not allowed.
const DEAD_MAILBOX_CODES = new Set([550, 551, 553])
// Failures of the connection rather than of the message: the same message can go through later.
const CONNECTION_ERROR_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROXY'])

export function createSmtpProvider(config: SmtpConfig): EmailProvider {
  if (!config.host || !config.port) throw new Error('SMTP provider needs host and port')
  if (!config.from) throw new Error('SMTP provider needs a default from address')
  if (config.user && config.pass === undefined) throw new Error('SMTP provider: user is set but pass is not')
  const timeoutMs = config.timeoutMs ?? 30_000

  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure ?? false,
    requireTLS: config.requireTLS ?? false,
    auth: config.user ? { user: config.user, pass: config.pass } : undefined,
    // Each stage gets the whole budget; the abort signal below caps the send as a whole.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  })

  return {
    id: 'smtp',
    channel: 'email',
    // SMTP has no idempotency key: a send cut off after DATA may still have been delivered.
    idempotent: false,
    async send(message: EmailMessage): Promise<SendResult> {
      const headers: Record<string, string> = { [DELIVERY_ID_HEADER]: message.deliveryId }
      if (message.locale) headers['Content-Language'] = message.locale
      try {
        const info = await transport.sendMail({
          from: message.from ?? config.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers,
          messageId: `<${message.messageId}>`,
          ...(message.thread
            ? {
                inReplyTo: message.thread.inReplyTo && `<${message.thread.inReplyTo}>`,
                references: message.thread.references?.map((id) => `<${id}>`),
              }
            : {}),
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        })
        return { status: 'sent', providerMessageId: info.messageId, meta: { response: info.response } }
      } catch (error) {
        throw toProviderError(error as NodemailerError, timeoutMs, config.pass)
      }
    },

    // Connects, greets, upgrades to TLS and logs in exactly as a send would, then says QUIT.
    async check(): Promise<CheckResult> {
      const where = `${config.host}:${config.port}`
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          transport.verify(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs)
          }),
        ])
        return {
          ok: true,
          detail: `The SMTP server ${where} accepted the connection${config.user ? ` and the login of ${config.user}` : ''}`,
        }
      } catch (error) {
        const e = error as NodemailerError
        const refused = e.code === 'EAUTH' ? `The SMTP server ${where} refused the login: ` : `SMTP check of ${where} failed: `
        return { ok: false, detail: refused + toProviderError(e, timeoutMs, config.pass).message }
      } finally {
        clearTimeout(timer)
      }
    },

    async close() {
      transport.close()
    },
  }
}

/** Maps a nodemailer error to the normalized kinds; exported for the mapping table's unit tests. */
export function toProviderError(error: NodemailerError, timeoutMs: number, secret?: string): ProviderError {
  const code = error.responseCode
  const details = { code: code ?? error.code }
  const text = redact(`SMTP ${error.command ? `${error.command} ` : ''}failed: ${error.message}`, secret)

  if (error.code === 'EABORT') {
    return new ProviderError('transient', `SMTP send timed out after ${timeoutMs} ms`, { code: 'ETIMEDOUT' })
  }
  if (code) {
    if (code >= 400 && code < 500) return new ProviderError('transient', text, details)
    if (error.command === 'RCPT TO' && isDeadMailbox(code, error.response)) {
      return new ProviderError('invalid_recipient', text, details)
    }
    // 503 is "bad sequence of commands": a session-state problem, not a verdict on the message.
    if (code === 503) return new ProviderError('transient', text, details)
    if (code >= 500) return new ProviderError('permanent', text, details)
  }
  if (error.code === 'EENVELOPE' && /recipient/i.test(error.message)) {
    return new ProviderError('invalid_recipient', text, details) // nodemailer refused to parse the address
  }
  if (error.code && CONNECTION_ERROR_CODES.has(error.code)) return new ProviderError('transient', text, details)
  // Credentials missing or refused without a reply code, bad options: retrying cannot help.
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH' || error.code === 'ECONFIG' || error.code === 'EREQUIRETLS') {
    return new ProviderError('permanent', text, details)
  }
  // Unknown failures (stream errors, a socket reset nodemailer did not classify) are retried.
  return new ProviderError('transient', text, details)
}

// An enhanced status code (RFC 3463) is more precise than the basic code when present: 5.1.x is a
// bad destination address (5.1.7/5.1.8 are about the sender) and 5.2.1 a disabled mailbox, while
// 5.7.x under a 550 is a policy refusal (relay denied, sender not allowed) that says nothing about
// the recipient.
function isDeadMailbox(code: number, response?: string): boolean {
  const enhanced = /^\d{3}[ -]5\.(\d{1,3})\.(\d{1,3})\b/.exec(response ?? '')
  if (!enhanced) return DEAD_MAILBOX_CODES.has(code)
  const [subject, detail] = [enhanced[1], enhanced[2]]
  return (subject === '1' && detail !== '7' && detail !== '8') || (subject === '2' && detail === '1')
}

// Servers do not echo passwords; this guards against one that does.
function redact(text: string, secret?: string): string {
  return redactor([secret])(text)
}
