// The one loader for the private keys providers are configured with: APNs' .p8 (a P-256 PKCS#8
// key) and the RSA key inside an FCM service-account file. Admins paste them into forms and
// environment variables, which lose or escape line breaks, so the PEM is rebuilt from its
// armour and base64 body before Node parses it. A bad key fails at configuration time with an
// error naming the setting, and never echoes the key or the parser's view of it.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { ProviderConfigError } from './types'

export type PrivateKeyKind = 'rsa' | 'p256'

const ARMOUR = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/

/**
 * Parses a PEM private key given with real newlines, "\n" escapes (a JSON file pasted into an
 * environment variable), CRLF, or everything on one line. `field` names the setting in errors,
 * e.g. "privateKey" or "serviceAccount.private_key".
 */
export function loadPrivateKey(value: unknown, options: { field: string; kind: PrivateKeyKind; hint?: string }): KeyObject {
  const { field, kind } = options
  const hint = options.hint ? ` (${options.hint})` : ''
  if (typeof value !== 'string' || value.trim() === '') throw new ProviderConfigError(field, `${field} is missing${hint}`)
  const pem = normalizePem(value)
  let key: KeyObject
  try {
    if (!pem) throw new Error('no PEM armour')
    key = createPrivateKey(pem)
  } catch {
    throw new ProviderConfigError(field, `${field} is not a readable PEM private key${hint}`)
  }
  if (kind === 'rsa' && key.asymmetricKeyType !== 'rsa') throw new ProviderConfigError(field, `${field} must be an RSA private key${hint}`)
  if (kind === 'p256' && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    throw new ProviderConfigError(field, `${field} must be a P-256 (ES256) private key${hint}`)
  }
  return key
}

/** The PEM rebuilt with real newlines and 64-column base64, or undefined when there is no armour. */
export function normalizePem(value: string): string | undefined {
  const text = value.replace(/\\r/g, '').replace(/\\n/g, '\n')
  const match = ARMOUR.exec(text)
  if (!match) return undefined
  const [, label, inner] = match
  // Encrypted PEMs carry headers ("Proc-Type: …"); keep those lines as they are.
  const lines = inner.split(/\r?\n/).map((line) => line.trim())
  const headers = lines.filter((line) => line.includes(':'))
  const base64 = lines
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/\s+/g, '')
  const wrapped = base64.match(/.{1,64}/g) ?? []
  return [`-----BEGIN ${label}-----`, ...headers, ...(headers.length ? [''] : []), ...wrapped, `-----END ${label}-----`, ''].join('\n')
}
