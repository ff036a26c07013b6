// SendGrid Inbound Parse as tests send it: an EC key pair like a security policy's, the signature
// over timestamp + body, and a multipart/form-data body.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'

export function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  // The security policy API hands out the public key as bare base64 DER (SPKI).
  const base64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return { privateKey, base64, pem }
}

export function signBody(privateKey: KeyObject, body: Buffer, timestamp: string): string {
  return sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString('base64')
}

export interface Part {
  name: string
  value: Buffer | string
  filename?: string
  contentType?: string
}

export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = 'xYzZY'
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"` + (part.filename !== undefined ? `; filename="${part.filename}"` : '')
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`]
    if (part.contentType) head.push(`Content-Type: ${part.contentType}`)
    chunks.push(Buffer.from(head.join('\r\n') + '\r\n\r\n'), Buffer.from(part.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}
