// The one private-key loader (APNs .p8, FCM service-account keys): the forms admins paste keys
// in, and errors that name the setting without ever echoing the key.
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { loadPrivateKey, normalizePem } from '../../src/modules/notifications/providers/pem'
import { ProviderConfigError } from '../../src/modules/notifications/providers/types'
import { providerFactories } from '../../src/modules/notifications/provider-factories'
import { AppError } from '../../src/core/http/errors'

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const bodyLines = (pem: string) => pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))

function thrown(run: () => unknown): Error {
  try {
    run()
  } catch (e) {
    return e as Error
  }
  return expect.unreachable('should have thrown')
}

describe('loadPrivateKey', () => {
  it.each([
    ['real newlines', p256],
    ['"\\n" escapes (JSON pasted into an env var)', p256.replace(/\n/g, '\\n')],
    ['CRLF line ends', p256.replace(/\n/g, '\r\n')],
    ['everything on one line, spaces for newlines', p256.trim().split('\n').join(' ')],
    ['surrounding blanks', `\n\n  ${p256}  \n`],
  ])('reads a key given with %s', (_name, text) => {
    const key = loadPrivateKey(text, { field: 'privateKey', kind: 'p256' })
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
  })

  it('reads an RSA key for kind rsa', () => {
    expect(loadPrivateKey(rsa.replace(/\n/g, '\\n'), { field: 'serviceAccount.private_key', kind: 'rsa' }).asymmetricKeyType).toBe('rsa')
  })

  it('names the field when the key is missing', () => {
    const error = thrown(() => loadPrivateKey('  ', { field: 'privateKey', kind: 'p256', hint: 'the .p8 file from Apple' }))
    expect(error).toBeInstanceOf(ProviderConfigError)
    expect(error).toMatchObject({ field: 'privateKey', message: 'privateKey is missing (the .p8 file from Apple)' })
  })

  it('names the field and never echoes an unreadable key', () => {
    const broken = p256.replace(/[A-Za-z]{8}/, 'NOTBASE!')
    const error = thrown(() => loadPrivateKey(broken, { field: 'privateKey', kind: 'p256' }))
    expect(error).toMatchObject({ field: 'privateKey', message: 'privateKey is not a readable PEM private key' })
    for (const line of bodyLines(p256)) expect(`${error.message}${error.stack}`).not.toContain(line)
  })

  it('refuses text without PEM armour', () => {
    expect(
      thrown(() => loadPrivateKey('MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg', { field: 'privateKey', kind: 'p256' })).message,
    ).toMatch(/not a readable PEM private key/)
  })

  it('refuses the wrong kind of key, naming what is expected', () => {
    expect(thrown(() => loadPrivateKey(rsa, { field: 'privateKey', kind: 'p256' })).message).toBe(
      'privateKey must be a P-256 (ES256) private key',
    )
    expect(thrown(() => loadPrivateKey(p256, { field: 'serviceAccount.private_key', kind: 'rsa' })).message).toBe(
      'serviceAccount.private_key must be an RSA private key',
    )
  })

  it('rebuilds 64-column PEM', () => {
    const rebuilt = normalizePem(p256.trim().split('\n').join(' '))!
    expect(rebuilt).toBe(p256)
  })
})

describe('provider settings validation names the key field', () => {
  it('an APNs key that is not P-256 is a 400 on config.privateKey', () => {
    const error = thrown(() =>
      providerFactories.apns.create({ teamId: 'TEAM123456', keyId: 'KEY7654321', bundleId: 'app.x', production: false, privateKey: rsa }),
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).extra.errors).toEqual([
      { field: 'config.privateKey', message: 'privateKey must be a P-256 (ES256) private key (the .p8 file from Apple)' },
    ])
  })

  it('an FCM service account with a broken key is a 400 on config.serviceAccount.private_key', () => {
    const error = thrown(() =>
      providerFactories.fcm.create({
        serviceAccount: {
          project_id: 'p',
          client_email: 'a@p.iam.gserviceaccount.com',
          private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
        },
      }),
    )
    expect((error as AppError).extra.errors?.[0].field).toBe('config.serviceAccount.private_key')
  })
})
