// Our own MX: an SMTP listener (smtp-server) that takes mail for the support addresses straight from the
// internet. Like any MX it has no AUTH, refuses unknown recipients at RCPT TO (550, so nobody can use it as
// a relay or fill it with mail for addresses we do not have) and answers 451 when storing a mail fails, so
// the sending server keeps the message in its queue and retries: nothing is lost on our side.
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export interface InboundSmtpOptions {
  /** Interface to bind; all of them by default. */
  host?: string
  /** 0 picks a free port (tests); the real one is returned. */
  port: number
  /** Largest message accepted, in bytes; advertised with SIZE. Default 25 MB. */
  maxBytes?: number
  /** Whether we take mail for this (lower-cased) address: a team's address or one of its plus-addresses. */
  acceptsRecipient: (address: string) => boolean | Promise<boolean>
  /** Stores one accepted message. Throwing answers 451 and the sender retries later. */
  onMail: (raw: Buffer, envelope: { from: string; to: string[] }) => Promise<void>
  logger?: { warn(obj: object, msg: string): void }
  /** Offer STARTTLS with this certificate; without it the listener speaks plain SMTP only. */
  tls?: { key: Buffer; cert: Buffer }
  /** Host name in the greeting; os.hostname() by default. */
  name?: string
}

export interface InboundSmtp {
  port: number
  /** Stops accepting connections and resolves once the open ones have finished (at most closeTimeout later). */
  close(): Promise<void>
}

const DEFAULT_MAX_BYTES = 25 * 1024 * 1024
// Enough for a team and a few CCs; more is a spam run.
const MAX_RECIPIENTS = 100
// On shutdown, a transfer in progress gets this long to finish before the connection is cut (the sender retries).
const CLOSE_TIMEOUT_MS = 10_000

function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode })
}

export async function startInboundSmtp(opts: InboundSmtpOptions): Promise<InboundSmtp> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  const envelopeOf = (session: SMTPServerSession) => ({
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
  })

  const server = new SMTPServer({
    logger: false,
    name: opts.name,
    // An MX takes mail from anyone and authenticates nobody.
    authOptional: true,
    // smtp-server falls back to a built-in test certificate: never offer STARTTLS with that one.
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    size: maxBytes,
    maxRecipients: MAX_RECIPIENTS,
    // The client's host name is only for logs; no DNS round trip per connection.
    disableReverseLookup: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase()
      Promise.resolve()
        .then(() => opts.acceptsRecipient(recipient))
        .then(
          (accepted) => callback(accepted ? null : smtpError(550, '5.1.1 No such mailbox here')),
          (error: unknown) => {
            opts.logger?.warn({ err: error, recipient }, 'inbound smtp: recipient check failed')
            callback(smtpError(451, '4.3.0 Temporary failure, try again later'))
          },
        )
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      let bytes = 0
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        // Past the limit the rest is only drained, not kept: the answer will be 552 anyway.
        if (bytes <= maxBytes) chunks.push(chunk)
      })
      stream.on('error', (error) => callback(smtpError(451, `4.3.0 ${error.message}`)))
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) {
          return callback(smtpError(552, `5.3.4 Message exceeds the fixed maximum size of ${maxBytes} bytes`))
        }
        const envelope = envelopeOf(session)
        opts.onMail(Buffer.concat(chunks), envelope).then(
          () => callback(),
          (error: unknown) => {
            opts.logger?.warn({ err: error, envelope }, 'inbound smtp: storing a mail failed, sender will retry')
            callback(smtpError(451, '4.3.0 Temporary failure, try again later'))
          },
        )
      })
    },
  })
  // Socket errors of single connections (resets, TLS failures) must not crash the process.
  server.on('error', (error) => opts.logger?.warn({ err: error }, 'inbound smtp: connection error'))

  const port = await new Promise<number>((resolve, reject) => {
    const onListenError = (error: Error) => reject(error)
    server.server.once('error', onListenError)
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onListenError)
      resolve((server.server.address() as AddressInfo).port)
    })
  })

  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
