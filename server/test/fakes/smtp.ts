// A real SMTP peer for tests: smtp-server (the server half of nodemailer's project) on loopback,
// with mailparser decoding what arrived, so tests assert on the message a mailbox would see.
// Also a server that accepts TCP and never speaks, and a port where nothing listens.
import { simpleParser, type ParsedMail } from 'mailparser'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { SMTPServer, type SMTPServerAddress } from 'smtp-server'

export interface ReceivedMail {
  envelope: { from: string; to: string[] }
  /** The user the client logged in as, when it did. */
  user?: string
  raw: Buffer
  parsed: ParsedMail
}

/** An SMTP refusal: basic reply code plus text (which may start with an enhanced code, "5.1.1 ..."). */
export interface SmtpReply {
  code: number
  message: string
}

export interface SmtpServerOptions {
  /** username -> password; when set, AUTH is required and checked. */
  users?: Record<string, string>
  /** Mechanisms offered; default PLAIN and LOGIN. */
  authMethods?: ('PLAIN' | 'LOGIN')[]
  /** Decide per recipient: return a reply to refuse the RCPT TO, undefined to accept. */
  rejectRecipient?: (address: string) => SmtpReply | undefined
  /** Refuse the message after DATA, e.g. a content filter. */
  rejectData?: SmtpReply
}

export interface RunningSmtpServer {
  host: string
  port: number
  received: ReceivedMail[]
  /** Every AUTH attempt, accepted or not, for asserting the mechanism used. */
  authAttempts: { method: string; username?: string; accepted: boolean }[]
  close(): Promise<void>
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<RunningSmtpServer> {
  const received: ReceivedMail[] = []
  const authAttempts: RunningSmtpServer['authAttempts'] = []
  const users = options.users
  const server = new SMTPServer({
    logger: false,
    // Plain-text loopback: no certificate to manage, and AUTH allowed without TLS.
    disabledCommands: users ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !users,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const accepted = !!users && auth.username !== undefined && users[auth.username] === auth.password
      authAttempts.push({ method: auth.method, username: auth.username, accepted })
      if (!accepted) return callback(withCode(new Error('5.7.8 Authentication credentials invalid'), 535))
      callback(null, { user: auth.username })
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const reply = options.rejectRecipient?.(address.address)
      if (reply) return callback(withCode(new Error(reply.message), reply.code))
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('error', callback)
      stream.on('end', () => {
        if (options.rejectData) return callback(withCode(new Error(options.rejectData.message), options.rejectData.code))
        const raw = Buffer.concat(chunks)
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
            received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, user: session.user, raw, parsed })
            callback()
          },
          (error: Error) => callback(error),
        )
      })
    },
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    const netServer = server.listen(0, '127.0.0.1', () => resolve((netServer.address() as AddressInfo).port))
  })
  return {
    host: '127.0.0.1',
    port,
    received,
    authAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Accepts connections and never sends a greeting: the client must give up on its own. */
export async function startSilentServer(): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  const port = await listenOnLoopback(server)
  return {
    host: '127.0.0.1',
    port,
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A loopback port with nothing listening (bound, read, released), so connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  const port = await listenOnLoopback(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function withCode(error: Error, responseCode: number): Error & { responseCode: number } {
  return Object.assign(error, { responseCode })
}
