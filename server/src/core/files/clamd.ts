// Virus scanning with ClamAV's daemon over its own socket protocol (INSTREAM): the bytes go to
// clamd in length-prefixed chunks and it answers "stream: OK" or "stream: <signature> FOUND".
// Anything else — clamd unreachable, its StreamMaxLength exceeded, no answer in time — throws,
// so the job that called it is retried later instead of calling a file clean.
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import type { Readable } from 'node:stream'

export type ScanResult = { clean: true } | { clean: false; signature: string }

export interface Scanner {
  scan(source: Readable): Promise<ScanResult>
  ping(): Promise<boolean>
}

export class ClamdError extends Error {}

/** clamd refuses chunks over its StreamMaxLength; 64 KiB is well below any sane setting. */
const PIECE_BYTES = 64 * 1024

type Target = { host: string; port: number } | { path: string }

/** tcp://host:port, or unix:///path/to/clamd.ctl (Debian's clamav-daemon listens on /var/run/clamav/clamd.ctl). */
export function parseClamdUrl(url: string): Target {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ClamdError(`"${url}" is not a clamd address (tcp://host:port or unix:///path)`)
  }
  if (parsed.protocol === 'unix:' && parsed.pathname.length > 1) return { path: decodeURIComponent(parsed.pathname) }
  const port = Number(parsed.port)
  if (parsed.protocol === 'tcp:' && parsed.hostname && port > 0) return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port }
  throw new ClamdError(`"${url}" is not a clamd address (tcp://host:port or unix:///path)`)
}

/** Reads clamd's answer: everything up to the NUL that ends a z-command's reply, or until it closes. */
function replyOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    const done = () => resolve(text.replace(/\0[\s\S]*$/, '').trim())
    socket.on('data', (data: Buffer) => {
      text += data.toString('utf8')
      if (text.includes('\0')) done()
    })
    socket.on('close', done)
    // Errors are reported by the writer; a reply that came first still counts.
    socket.on('error', () => {})
  })
}

export function createClamdScanner(url: string, options: { timeoutMs?: number } = {}): Scanner {
  const target = parseClamdUrl(url)
  const timeoutMs = options.timeoutMs ?? 60_000
  const open = () => connect(target as any) as Socket

  async function withDeadline<T>(socket: Socket, what: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    // Past the deadline the work's own failure (the destroyed socket) has no one to report to.
    work.catch(() => {})
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClamdError(`clamd did not ${what} within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return await Promise.race([work, deadline])
    } finally {
      clearTimeout(timer)
      socket.destroy()
    }
  }

  async function scan(source: Readable): Promise<ScanResult> {
    const socket = open()
    const reply = replyOf(socket)
    // clamd answers early (and hangs up) when a limit is hit: stop writing once it spoke.
    let answered = false
    socket.once('data', () => (answered = true))
    let writeError: Error | undefined
    let sourceError: Error | undefined
    let connected = false
    const write = async () => {
      await once(socket, 'connect')
      connected = true
      const send = async (buf: Buffer) => {
        if (answered) throw new ClamdError('clamd answered before the end of the stream')
        if (!socket.write(buf)) await once(socket, 'drain')
      }
      await send(Buffer.from('zINSTREAM\0', 'latin1'))
      const chunks = async function* () {
        try {
          for await (const chunk of source) yield chunk
        } catch (e) {
          sourceError = e as Error
          throw e
        }
      }
      for await (const chunk of chunks()) {
        const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
        for (let at = 0; at < data.length; at += PIECE_BYTES) {
          const piece = data.subarray(at, at + PIECE_BYTES)
          const length = Buffer.alloc(4)
          length.writeUInt32BE(piece.length)
          await send(Buffer.concat([length, piece]))
        }
      }
      await send(Buffer.alloc(4))
    }
    const work = (async () => {
      try {
        await write()
      } catch (e) {
        // clamd closes the socket when a limit is hit: its answer says which, the EPIPE does not.
        writeError = e as Error
        source.destroy()
        // The bytes could not be read (a damaged blob): that is the error, not clamd's silence.
        if (sourceError) throw sourceError
        socket.end()
      }
      const text = await reply
      const found = /^stream: (.+) FOUND$/.exec(text)
      if (text === 'stream: OK') return { clean: true } as const
      if (found) return { clean: false, signature: found[1] } as const
      if (text) throw new ClamdError(`clamd answered "${text}"`)
      if (!connected) throw new ClamdError(`cannot reach clamd at ${url}: ${writeError?.message}`)
      // A hang-up mid-stream is most often clamd's StreamMaxLength (its answer can be lost with the socket).
      throw new ClamdError(`clamd closed the connection (${writeError?.message ?? 'no answer'}); is the file above its StreamMaxLength?`)
    })()
    try {
      return await withDeadline(socket, 'answer', work)
    } finally {
      source.destroy()
    }
  }

  async function ping(): Promise<boolean> {
    const socket = open()
    const reply = replyOf(socket)
    try {
      return await withDeadline(
        socket,
        'answer PING',
        (async () => {
          await once(socket, 'connect')
          socket.write('zPING\0')
          return (await reply) === 'PONG'
        })(),
      )
    } catch {
      return false
    }
  }

  return { scan, ping }
}
