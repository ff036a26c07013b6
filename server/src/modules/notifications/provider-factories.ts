// The providers an admin can configure: each with the schema of its settings (checked before
// anything is stored), the fields that are secrets, the fields that say where it connects
// (changing one requires the secrets again: see the registry's update), and how to build it.
import { Type, type TSchema } from 'typebox'
import { Errors } from 'typebox/value'
import { AppError } from '../../core/http/errors'
import type { ProviderContext, ProviderFactory } from './provider-registry'
import { createSendGridProvider } from './providers/email/sendgrid'
import { createSmtpProvider } from './providers/email/smtp'
import { createApnsProvider } from './providers/push/apns'
import { createFcmProvider } from './providers/push/fcm'
import { createWebPushProvider } from './providers/push/webpush'
import { createKavenegarProvider } from './providers/sms/kavenegar'
import { createTwilioProvider } from './providers/sms/twilio'
import { ProviderConfigError, type Channel, type Provider } from './providers/types'

const Str = (o = {}) => Type.String({ minLength: 1, maxLength: 4096, ...o })
const Url = Type.String({ pattern: '^https?://', maxLength: 2048 })
const Timeout = Type.Integer({ minimum: 100, maximum: 120_000 })
const opt = Type.Optional

function factory<S extends TSchema>(
  channel: Channel,
  schema: S,
  fields: { secret: string[]; connection: string[] },
  build: (config: any, context: ProviderContext) => Provider,
): ProviderFactory {
  return {
    channel,
    secretFields: fields.secret,
    connectionFields: fields.connection,
    create(config, context = {}) {
      const errors = [...Errors(schema, config)].slice(0, 10)
      if (errors.length) {
        throw new AppError('validation', 'The provider settings are not valid', {
          errors: errors.map((e: any) => ({
            field: `config${(e.instancePath ?? e.path ?? '').replace(/\//g, '.')}`,
            message: e.message ?? 'is not valid',
          })),
        })
      }
      try {
        return build(config, context)
      } catch (e) {
        if (e instanceof AppError) throw e
        if (e instanceof ProviderConfigError) {
          throw new AppError('validation', `The provider settings are not valid: ${e.message}`, {
            errors: [{ field: `config.${e.field}`, message: e.message }],
          })
        }
        throw new AppError('validation', `The provider settings are not valid: ${(e as Error).message}`, {
          errors: [{ field: 'config', message: (e as Error).message }],
        })
      }
    },
  }
}

const object = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: false })

export const providerFactories: Record<string, ProviderFactory> = {
  smtp: factory(
    'email',
    object({
      host: Str(),
      port: Type.Integer({ minimum: 1, maximum: 65535 }),
      secure: opt(Type.Boolean()),
      user: opt(Str()),
      pass: opt(Str()),
      from: Str(),
      requireTLS: opt(Type.Boolean()),
      timeoutMs: opt(Timeout),
    }),
    { secret: ['pass'], connection: ['host', 'port', 'secure'] },
    createSmtpProvider,
  ),
  sendgrid: factory(
    'email',
    object({ apiKey: Str(), from: Str(), webhookPublicKey: opt(Str()), baseUrl: opt(Url), timeoutMs: opt(Timeout) }),
    { secret: ['apiKey'], connection: ['baseUrl'] },
    createSendGridProvider,
  ),
  twilio: factory(
    'sms',
    object({
      accountSid: Str(),
      authToken: Str(),
      from: opt(Str()),
      messagingServiceSid: opt(Str()),
      statusCallbackUrl: opt(Url),
      baseUrl: opt(Url),
      timeoutMs: opt(Timeout),
    }),
    { secret: ['authToken'], connection: ['baseUrl'] },
    createTwilioProvider,
  ),
  kavenegar: factory(
    'sms',
    object({ apiKey: Str(), sender: opt(Str()), baseUrl: opt(Url), timeoutMs: opt(Timeout) }),
    { secret: ['apiKey'], connection: ['baseUrl'] },
    createKavenegarProvider,
  ),
  fcm: factory(
    'push',
    object({
      serviceAccount: Type.Object({ project_id: Str(), client_email: Str(), private_key: Str(), token_uri: opt(Url) }),
      baseUrl: opt(Url),
      timeoutMs: opt(Timeout),
    }),
    // token_uri (where the key signs in) lives inside serviceAccount, a secret given whole.
    { secret: ['serviceAccount'], connection: ['baseUrl'] },
    createFcmProvider,
  ),
  apns: factory(
    'push',
    object({
      teamId: Str(),
      keyId: Str(),
      privateKey: Str(),
      bundleId: Str(),
      production: Type.Boolean(),
      baseUrl: opt(Url),
      timeoutMs: opt(Timeout),
      ttlSeconds: opt(Type.Integer({ minimum: 0 })),
    }),
    // production picks api.push.apple.com or api.sandbox.push.apple.com.
    { secret: ['privateKey'], connection: ['baseUrl', 'production'] },
    createApnsProvider,
  ),
  webpush: factory(
    'push',
    object({
      vapidPublicKey: Str(),
      vapidPrivateKey: Str(),
      subject: Str(),
      timeoutMs: opt(Timeout),
      ttlSeconds: opt(Type.Integer({ minimum: 0 })),
    }),
    // Where Web Push connects is each subscription's endpoint, checked per send (core/net).
    { secret: ['vapidPrivateKey'], connection: [] },
    (config, context) =>
      createWebPushProvider({
        ...config,
        allowLoopback: context.network?.allowLoopback ?? false,
        ...(context.network?.webPushAllowedHosts ? { allowedHosts: context.network.webPushAllowedHosts } : {}),
      }),
  ),
}
