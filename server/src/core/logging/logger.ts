// The process logger. Besides redacting credentials by path, it masks email addresses and phone
// numbers anywhere in a log line (messages, fields, error texts), so personal contact data never
// lands in logs even when a provider echoes it back in an error. Lines are JSON, or readable
// (pino-pretty) in a terminal; masking happens before either.
import pino, { type DestinationStream, type Logger } from 'pino'
import { prettyFactory } from 'pino-pretty'

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g
// The same in a URL's query string, where "@" arrives as %40 (and other characters may be escaped too).
const ENCODED_EMAIL = /([A-Za-z0-9._+-]|%(?!40)[0-9A-Fa-f]{2})(?:[A-Za-z0-9._+-]|%(?!40)[0-9A-Fa-f]{2})*%40([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g
const PHONE = /(\+?\d{2,4})[\d\s-]{4,}(\d{2})(?!\d)/g

export function maskPii(text: string): string {
  return text
    .replace(EMAIL, '$1***@$2')
    .replace(ENCODED_EMAIL, '$1***%40$2')
    .replace(PHONE, (match, head: string, tail: string) => (match.replace(/\D/g, '').length >= 9 ? `${head}***${tail}` : match))
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPii(value)
  if (depth > 5 || value === null || typeof value !== 'object') return value
  if (value instanceof Error) {
    const masked = new Error(maskPii(value.message))
    masked.name = value.name
    masked.stack = value.stack ? maskPii(value.stack) : undefined
    for (const [k, v] of Object.entries(value)) (masked as any)[k] = maskValue(v, depth + 1)
    return masked
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1))
  if (Object.getPrototypeOf(value) !== Object.prototype) return value // requests, buffers: serializers handle them
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, depth + 1)]))
}

export interface LoggerOptions {
  /** Default: pretty when stdout is a terminal, JSON otherwise. */
  format?: 'json' | 'pretty'
  /** Where lines go; default stdout. */
  destination?: DestinationStream
  /** Colours in pretty lines; default: stdout is a terminal and NO_COLOR is not set. */
  colors?: boolean
}

/**
 * Pretty lines are formatted in this process as they are logged (no worker transport, no stream
 * pipeline): like JSON lines, they reach stdout's buffer, which pino flushes at process exit.
 */
function prettyDestination(out: DestinationStream, colors: boolean): DestinationStream {
  const format = prettyFactory({ colorize: colors, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true })
  return { write: (line: string) => out.write(format(line)) }
}

export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const tty = Boolean(process.stdout.isTTY)
  const format = options.format ?? (tty ? 'pretty' : 'json')
  const colors = options.colors ?? (tty && !process.env.NO_COLOR)
  const out = options.destination ?? pino.destination(1)
  return pino(
    {
      level,
      redact: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
        '*.apiKey',
        '*.authToken',
        '*.privateKey',
      ],
      // Request lines carry the URL, query string included: mask it like any other text.
      serializers: {
        req: (req: { method?: string; url?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: req.method,
          url: req.url === undefined ? undefined : maskPii(req.url),
          hostname: req.hostname,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, args.map((a) => maskValue(a, 0)) as Parameters<typeof method>)
        },
      },
    },
    format === 'pretty' ? prettyDestination(out, colors) : out,
  )
}
