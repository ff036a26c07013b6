// The fakes' one way to read a request body: all of it, as bytes or as UTF-8 text.
import type { IncomingMessage } from 'node:http'

export function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8')
}
