// Diagnostics: a TCP proxy between a server under test and PostgreSQL that counts the SQL statements
// the server sends, by text, without changing anything on either side (pg_stat_statements needs a
// restart of the shared server to load). It reads the client's side of the wire protocol: a simple
// Query ('Q') is one statement, an extended-protocol Execute ('E') runs the statement of the latest
// Parse ('P') on that connection (node-postgres parses an unnamed statement for every query with
// values). The proxy adds a hop per round trip, so it is for counting, never for timing.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'

export interface StatementCounter {
  /** A postgres:// URL that goes through the proxy to `target`. */
  url: string
  /** Statements seen since the last reset, by normalised text. */
  counts(): Map<string, number>
  reset(): void
  close(): Promise<void>
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104

/**
 * Whitespace collapsed and column lists shortened to `…`, so that statements on the same table with
 * different conditions stay apart; Drizzle's texts carry $n placeholders, so they repeat exactly.
 */
export function normaliseSql(text: string): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^select (?!pg_)(.+?) from /i, 'select … from ')
    .replace(/^insert into ("?[\w.]+"?) \(.*?\) values \(.*?\)( |$)/i, 'insert into $1 (…) values (…)$2')
    .replace(/ returning .*$/i, ' returning …')
  return flat.length > 200 ? flat.slice(0, 199) + '…' : flat
}

export async function startStatementCounter(target: string): Promise<StatementCounter> {
  const upstream = new URL(target)
  const host = upstream.hostname || '127.0.0.1'
  const port = Number(upstream.port || 5432)
  let counts = new Map<string, number>()
  const sockets = new Set<Socket>()
  const count = (text: string) => {
    const key = normaliseSql(text)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }

  const server = createServer((client) => {
    const db = connect(port, host)
    sockets.add(client).add(db)
    for (const s of [client, db]) s.on('close', () => sockets.delete(s))
    client.on('error', () => db.destroy())
    db.on('error', () => client.destroy())
    db.pipe(client)
    let buffered: Buffer = Buffer.alloc(0)
    let startup = true
    let parsed = '' // the statement of the latest unnamed Parse
    client.on('data', (chunk: Buffer) => {
      db.write(chunk)
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk
      for (;;) {
        if (startup) {
          // Untyped: int32 length, int32 code (SSL/GSS requests come before the startup message).
          if (buffered.length < 8) break
          const length = buffered.readInt32BE(0)
          if (buffered.length < length) break
          const code = buffered.readInt32BE(4)
          buffered = buffered.subarray(length)
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false
          continue
        }
        if (buffered.length < 5) break
        const type = String.fromCharCode(buffered[0])
        const length = buffered.readInt32BE(1)
        if (buffered.length < 1 + length) break
        const body = buffered.subarray(5, 1 + length)
        if (type === 'Q') count(body.toString('utf8', 0, body.indexOf(0)))
        if (type === 'P') {
          const nameEnd = body.indexOf(0)
          parsed = body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1))
        }
        if (type === 'E') count(parsed)
        buffered = buffered.subarray(1 + length)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = new URL(target)
  url.hostname = '127.0.0.1'
  url.port = String((server.address() as AddressInfo).port)
  return {
    url: url.toString(),
    counts: () => new Map(counts),
    reset: () => {
      counts = new Map()
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
