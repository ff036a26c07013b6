// Firebase Cloud Messaging over the HTTP v1 API. Google authenticates it with OAuth2: a JWT
// assertion signed with the service account's RSA key (RFC 7523) is exchanged for an access
// token, which is cached until shortly before it expires and refreshed once when FCM answers 401.
import { SignJWT } from 'jose'
import {
  createProviderHttp,
  parseRetryAfter,
  truncate,
  type FetchLike,
  type HttpAnswer,
  type ProviderHttp,
} from '../../../../core/net/service-http'
import { loadPrivateKey } from '../pem'
import {
  ProviderError,
  errorKindForStatus,
  pushTopic,
  type CheckResult,
  type ProviderErrorKind,
  type PushMessage,
  type PushProvider,
  type SendResult,
} from '../types'

/** The fields of the service-account JSON file Google hands out that we use. */
export interface FcmServiceAccount {
  project_id: string
  client_email: string
  private_key: string
  /** Sent as the JWT `kid` so Google picks the right key of the account without trying each. */
  private_key_id?: string
  token_uri?: string
}

export interface FcmConfig {
  serviceAccount: FcmServiceAccount
  baseUrl?: string
  timeoutMs?: number
  fetch?: FetchLike
  /** Clock in ms, for token expiry (tests move it). */
  now?: () => number
}

const DEFAULT_BASE_URL = 'https://fcm.googleapis.com'
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token'
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging'
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
// Google refuses assertions that live longer than an hour.
const ASSERTION_LIFETIME_SECONDS = 3600
// Refresh this long before expiry so a token never expires between the check and FCM's check.
const REFRESH_MARGIN_MS = 60_000

interface FcmErrorBody {
  error?: {
    code?: number
    message?: string
    status?: string
    details?: Array<{ '@type'?: string; errorCode?: string; fieldViolations?: Array<{ field?: string; description?: string }> }>
  }
}

// The topic a credentials check addresses with validate_only: FCM validates the request fully
// (auth, project permission, payload) and delivers nothing, so no device ever sees it.
const CHECK_TOPIC = 'caravan-connection-check'

export function createFcmProvider(config: FcmConfig): PushProvider {
  const account = config.serviceAccount
  if (!account?.project_id || !account.client_email) throw new Error('FCM service account needs project_id and client_email')
  const signingKey = loadPrivateKey(account.private_key, {
    field: 'serviceAccount.private_key',
    kind: 'rsa',
    hint: "the private_key of the Google service account's JSON file",
  })
  const tokenUri = account.token_uri ?? DEFAULT_TOKEN_URI
  const sendUrl = `${(config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`
  const http = createProviderHttp({ service: 'FCM', timeoutMs: config.timeoutMs, secrets: [account.private_key], fetch: config.fetch })
  const now = config.now ?? Date.now

  let cached: { accessToken: string; expiresAt: number } | undefined
  let pending: Promise<string> | undefined

  async function accessToken(): Promise<string> {
    if (cached && now() < cached.expiresAt - REFRESH_MARGIN_MS) return cached.accessToken
    // Sends that find the cache empty at the same moment share one token request.
    pending ??= requestAccessToken()
      .then((token) => {
        cached = token
        return token.accessToken
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }

  async function requestAccessToken(): Promise<{ accessToken: string; expiresAt: number }> {
    const issuedAt = Math.floor(now() / 1000)
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(account.private_key_id ? { kid: account.private_key_id } : {}) })
      .setIssuer(account.client_email)
      .setAudience(tokenUri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
      .sign(signingKey)
    const answer = await http.request(tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
    })
    const body = (answer.json ?? {}) as { access_token?: string; expires_in?: number; error?: string; error_description?: string }
    if (answer.status === 200 && typeof body.access_token === 'string') {
      return { accessToken: body.access_token, expiresAt: now() + (Number(body.expires_in) || 3600) * 1000 }
    }
    // Google's OAuth errors: 400 invalid_grant (bad signature, clock skew, deleted key), invalid_scope…
    const code = body.error ?? answer.status
    const why = body.error_description ? `: ${truncate(body.error_description)}` : ''
    throw http.error(
      answer.status === 200 ? 'transient' : errorKindForStatus(answer.status),
      `FCM OAuth token request failed: HTTP ${answer.status} ${code}${why}`,
      {
        code,
        httpStatus: answer.status,
        retryAfterSeconds: parseRetryAfter(answer.headers.get('retry-after')),
      },
    )
  }

  function post(token: string, body: string): Promise<HttpAnswer> {
    return http.request(sendUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body,
    })
  }

  return {
    id: 'fcm',
    channel: 'push',
    kinds: ['fcm'],
    // FCM v1 takes no idempotency key: a send that timed out may still reach the device, but a
    // repeat carries the same collapse key, so it replaces the first rather than doubling it.
    idempotent: false,
    collapses: true,
    async send(message: PushMessage): Promise<SendResult> {
      if (message.target.kind !== 'fcm')
        throw new ProviderError('permanent', `the FCM provider cannot reach a ${message.target.kind} device`)
      const body = JSON.stringify({
        message: {
          token: message.target.token,
          notification: { title: message.title, body: message.body },
          ...(message.data && Object.keys(message.data).length > 0 ? { data: message.data } : {}),
          // A send repeated after a crash replaces the first on the device instead of doubling it.
          android: { collapse_key: message.deliveryId },
          apns: { headers: { 'apns-collapse-id': message.deliveryId } },
          webpush: { headers: { Topic: pushTopic(message.deliveryId) } },
        },
      })
      const token = await accessToken()
      let answer = await post(token, body)
      if (answer.status === 401 && fcmErrorCode(answer.json) !== 'THIRD_PARTY_AUTH_ERROR') {
        // Our access token was revoked or expired early: forget it and try once with a new one.
        if (cached?.accessToken === token) cached = undefined
        answer = await post(await accessToken(), body)
      }
      if (answer.status === 200) {
        const name = (answer.json as { name?: unknown } | undefined)?.name
        return { providerMessageId: typeof name === 'string' ? name : undefined, status: 'sent', meta: { httpStatus: 200 } }
      }
      throw sendError(http, answer)
    },

    // A fresh OAuth token proves the service account's key; a validate_only send to a topic then
    // proves the account may send for this project. Nothing is delivered.
    async check(): Promise<CheckResult> {
      let token: string
      try {
        const fresh = await requestAccessToken()
        cached = fresh
        token = fresh.accessToken
      } catch (e) {
        return { ok: false, detail: `Google refused the service account ${account.client_email}: ${(e as Error).message}` }
      }
      let answer: HttpAnswer
      try {
        answer = await post(
          token,
          JSON.stringify({
            validate_only: true,
            message: { topic: CHECK_TOPIC, notification: { title: 'Caravan', body: 'Connection check' } },
          }),
        )
      } catch (e) {
        return { ok: false, detail: (e as Error).message }
      }
      if (answer.status === 200) {
        return { ok: true, detail: `FCM accepted the service account ${account.client_email} for project ${account.project_id}` }
      }
      const error = sendError(http, answer)
      const hint =
        answer.status === 403
          ? ' (the service account may not send for this project, or the FCM API is not enabled)'
          : answer.status === 401
            ? ' (the access token was refused)'
            : ''
      return { ok: false, detail: `${error.message}${hint}` }
    },
  }
}

function sendError(http: ProviderHttp, answer: HttpAnswer): ProviderError {
  const error = (answer.json as FcmErrorBody | undefined)?.error
  const fcmCode = fcmErrorCode(answer.json)
  const code = fcmCode ?? error?.status ?? answer.status
  const why = error?.message ? `: ${truncate(error.message)}` : ''
  return http.error(errorKind(answer.status, fcmCode, error), `FCM rejected the message: HTTP ${answer.status} ${code}${why}`, {
    code,
    httpStatus: answer.status,
    retryAfterSeconds: parseRetryAfter(answer.headers.get('retry-after')),
  })
}

function errorKind(status: number, fcmCode: string | undefined, error: FcmErrorBody['error']): ProviderErrorKind {
  if (fcmCode === 'UNREGISTERED') return 'invalid_recipient'
  // INVALID_ARGUMENT also covers bad payloads; only a complaint about the token itself kills the
  // device (Google words it in the message, older answers name the field in a BadRequest detail).
  if (status === 400 && isAboutToken(error)) return 'invalid_recipient'
  if (fcmCode === 'QUOTA_EXCEEDED' || fcmCode === 'UNAVAILABLE' || fcmCode === 'INTERNAL') return 'transient'
  // SENDER_ID_MISMATCH and THIRD_PARTY_AUTH_ERROR are configuration problems (wrong project, APNs
  // key missing in the Firebase console): the token may still work through another provider.
  return errorKindForStatus(status)
}

function isAboutToken(error: FcmErrorBody['error']): boolean {
  if (/registration token/i.test(error?.message ?? '')) return true
  return (error?.details ?? []).some((detail) => (detail.fieldViolations ?? []).some((violation) => violation.field === 'message.token'))
}

function fcmErrorCode(json: unknown): string | undefined {
  const details = (json as FcmErrorBody | undefined)?.error?.details ?? []
  return details.find((detail) => detail['@type']?.endsWith('google.firebase.fcm.v1.FcmError'))?.errorCode
}
