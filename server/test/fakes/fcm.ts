// A loopback stand-in for Google's OAuth2 token endpoint and the FCM HTTP v1 send endpoint. It
// owns the service account's RSA key pair, verifies the JWT assertion as Google does, issues
// expiring access tokens and answers sends with FCM's real success and error shapes. A send with
// validate_only is checked in full and answered like a real one, but kept apart: never delivered.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jwtVerify } from 'jose'
import { readBody } from './read-body'

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const FCM_SCOPES = ['https://www.googleapis.com/auth/firebase.messaging', 'https://www.googleapis.com/auth/cloud-platform']
const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError'
const MESSAGE_FIELDS = new Set(['name', 'data', 'notification', 'android', 'webpush', 'apns', 'fcm_options', 'token', 'topic', 'condition'])

export interface FakeFcmServiceAccount {
  type: 'service_account'
  project_id: string
  private_key_id: string
  private_key: string
  client_email: string
  client_id: string
  token_uri: string
}

export type FakeFcmEndpoint = 'token' | 'send'

export interface FakeFcm {
  url: string
  /** What Google's console would let you download for this fake project. */
  serviceAccount: FakeFcmServiceAccount
  /** Accepted messages, in order. */
  messages: Array<{ projectId: string; message: Record<string, any> }>
  /** Messages sent with validate_only: true (checked, not delivered). */
  validated: Array<{ projectId: string; message: Record<string, any> }>
  /** Tokens FCM reports as UNREGISTERED (404). */
  unregistered: Set<string>
  /** Tokens that answer with another FcmError code, e.g. SENDER_ID_MISMATCH or THIRD_PARTY_AUTH_ERROR. */
  tokenErrors: Map<string, 'SENDER_ID_MISMATCH' | 'THIRD_PARTY_AUTH_ERROR' | 'QUOTA_EXCEEDED'>
  /** Counts of requests per endpoint, including failed ones. */
  requests: Record<FakeFcmEndpoint, number>
  /** Access tokens issued so far. */
  tokensIssued: number
  /** Answer the next `count` requests to `endpoint` with this status in Google's shape. */
  failNext(count: number, status: 401 | 429 | 500 | 503, options?: { endpoint?: FakeFcmEndpoint; retryAfter?: string }): void
  /** Never answer the next `count` requests to `endpoint`. */
  hangNext(count: number, endpoint?: FakeFcmEndpoint): void
  /** Forget every issued access token, as when Google revokes them. */
  revokeTokens(): void
  close(): Promise<void>
}

export interface FakeFcmOptions {
  projectId?: string
  /** Lifetime of issued access tokens (Google: 3599 s). */
  tokenLifetimeSeconds?: number
  /** Clock in ms shared with the code under test. */
  now?: () => number
}

export async function startFakeFcm(options: FakeFcmOptions = {}): Promise<FakeFcm> {
  const projectId = options.projectId ?? 'caravan-test'
  const now = options.now ?? Date.now
  const lifetime = options.tokenLifetimeSeconds ?? 3599
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const accessTokens = new Map<string, { expiresAt: number; projectId: string }>()
  const failures: Record<FakeFcmEndpoint, Array<{ status: number; retryAfter?: string }>> = { token: [], send: [] }
  const hangs: Record<FakeFcmEndpoint, number> = { token: 0, send: 0 }
  const hanging = new Set<ServerResponse>()
  let messageCounter = 0

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => json(res, 500, { error: { code: 500, message: String(e), status: 'INTERNAL' } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientEmail = `caravan-push@${projectId}.iam.gserviceaccount.com`

  const fake: FakeFcm = {
    url,
    serviceAccount: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      client_email: clientEmail,
      client_id: '1234567890',
      token_uri: `${url}/token`,
    },
    messages: [],
    validated: [],
    unregistered: new Set(),
    tokenErrors: new Map(),
    requests: { token: 0, send: 0 },
    tokensIssued: 0,
    failNext(count, status, { endpoint = 'send', retryAfter } = {}) {
      for (let i = 0; i < count; i++) failures[endpoint].push({ status, retryAfter })
    },
    hangNext(count, endpoint = 'send') {
      hangs[endpoint] += count
    },
    revokeTokens() {
      accessTokens.clear()
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const path = new URL(req.url ?? '/', url).pathname
    const endpoint: FakeFcmEndpoint | undefined = path === '/token' ? 'token' : path.startsWith('/v1/projects/') ? 'send' : undefined
    if (!endpoint) return json(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } })
    fake.requests[endpoint]++
    if (hangs[endpoint] > 0) {
      hangs[endpoint]--
      hanging.add(res)
      return
    }
    const failure = failures[endpoint].shift()
    if (failure)
      return endpoint === 'token' ? tokenFailure(res, failure) : googleError(res, failure.status, { retryAfter: failure.retryAfter })
    return endpoint === 'token' ? issueToken(req, res, raw) : send(req, res, path, raw)
  }

  async function issueToken(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    if (req.method !== 'POST') return json(res, 405, { error: 'invalid_request', error_description: 'POST required' })
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return json(res, 400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' })
    }
    const form = new URLSearchParams(raw)
    if (form.get('grant_type') !== JWT_BEARER_GRANT) {
      return json(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type') ?? ''}` })
    }
    const assertion = form.get('assertion')
    if (!assertion) return json(res, 400, { error: 'invalid_request', error_description: 'Missing required parameter: assertion' })
    let claims: Record<string, unknown>
    try {
      ;({ payload: claims } = await jwtVerify(assertion, publicKey as KeyObject, {
        algorithms: ['RS256'],
        issuer: clientEmail,
        audience: fake.serviceAccount.token_uri,
        currentDate: new Date(now()),
        requiredClaims: ['iat', 'exp'],
      }))
    } catch (e) {
      const signature = (e as { code?: string }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
      return json(res, 400, {
        error: 'invalid_grant',
        error_description: signature ? 'Invalid JWT Signature.' : `Invalid JWT: ${(e as Error).message}`,
      })
    }
    const iat = Number(claims.iat)
    const exp = Number(claims.exp)
    if (exp - iat > 3600 || iat * 1000 > now() + 60_000) {
      return json(res, 400, {
        error: 'invalid_grant',
        error_description:
          'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      })
    }
    const scopes = String(claims.scope ?? '').split(' ')
    if (!scopes.some((scope) => FCM_SCOPES.includes(scope))) {
      return json(res, 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' })
    }
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`
    accessTokens.set(accessToken, { expiresAt: now() + lifetime * 1000, projectId })
    fake.tokensIssued++
    return json(res, 200, { access_token: accessToken, expires_in: lifetime, token_type: 'Bearer' })
  }

  function send(req: IncomingMessage, res: ServerResponse, path: string, raw: string): void {
    const match = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path)
    if (!match || req.method !== 'POST')
      return googleError(res, 404, { message: 'Requested entity was not found.', grpcStatus: 'NOT_FOUND' })
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const grant = bearer ? accessTokens.get(bearer) : undefined
    if (!grant || grant.expiresAt <= now()) {
      return googleError(res, 401, {
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        grpcStatus: 'UNAUTHENTICATED',
      })
    }
    const pathProject = decodeURIComponent(match[1])
    if (pathProject !== grant.projectId) {
      return googleError(res, 403, {
        message: `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${pathProject}' (or it may not exist).`,
        grpcStatus: 'PERMISSION_DENIED',
      })
    }
    let body: any
    try {
      body = JSON.parse(raw)
    } catch {
      return invalidArgument(res, `Invalid JSON payload received. Unexpected token.`)
    }
    const unknownTop = Object.keys(body ?? {}).find((key) => key !== 'message' && key !== 'validate_only')
    if (unknownTop) return invalidArgument(res, `Invalid JSON payload received. Unknown name "${unknownTop}": Cannot find field.`)
    if (body?.validate_only !== undefined && typeof body.validate_only !== 'boolean') {
      return invalidArgument(res, `Invalid value at 'validate_only' (TYPE_BOOL), ${JSON.stringify(body.validate_only)}`, 'validate_only')
    }
    const message = body?.message
    if (!message || typeof message !== 'object') return invalidArgument(res, 'Request contains an invalid argument.', 'message')
    const unknown = Object.keys(message).find((key) => !MESSAGE_FIELDS.has(key))
    if (unknown)
      return invalidArgument(res, `Invalid JSON payload received. Unknown name "${unknown}" at 'message': Cannot find field.`, 'message')
    const targets = ['token', 'topic', 'condition'].filter((key) => message[key] !== undefined)
    if (targets.length === 0 || targets.some((key) => typeof message[key] !== 'string' || message[key] === ''))
      return invalidArgument(res, 'Recipient of the message is not set.', 'message')
    if (targets.length > 1) return invalidArgument(res, `Invalid value at 'message' (oneof field 'target' is already set)`, 'message')
    if (message.data !== undefined) {
      const entries = Object.entries(message.data ?? {})
      const index = entries.findIndex(([, value]) => typeof value !== 'string')
      if (typeof message.data !== 'object' || index >= 0) {
        const field = `message.data[${index}].value`
        return invalidArgument(res, `Invalid value at '${field}' (TYPE_STRING), ${JSON.stringify(entries[index]?.[1])}`, field)
      }
    }
    if (message.notification !== undefined) {
      const { title, body: text } = message.notification
      if ((title !== undefined && typeof title !== 'string') || (text !== undefined && typeof text !== 'string')) {
        return invalidArgument(res, "Invalid value at 'message.notification' (TYPE_STRING)", 'message.notification')
      }
    }
    if (Buffer.byteLength(JSON.stringify(message.data ?? {})) + Buffer.byteLength(JSON.stringify(message.notification ?? {})) > 4096) {
      // FCM answers an oversized payload without naming the field or an FcmError code.
      return googleError(res, 400, { message: 'Request contains an invalid argument.', grpcStatus: 'INVALID_ARGUMENT' })
    }
    if (message.topic !== undefined && !/^[A-Za-z0-9\-_.~%]{1,900}$/.test(message.topic)) {
      return invalidArgument(res, 'Request contains an invalid argument.', 'message.topic')
    }
    if (message.token === undefined) return accept(res, pathProject, message, body?.validate_only === true)
    // FCM registration tokens are long strings of URL-safe characters and colons.
    if (!/^[A-Za-z0-9_:-]{20,}$/.test(message.token)) {
      return googleError(res, 400, {
        fcmCode: 'INVALID_ARGUMENT',
        message: 'The registration token is not a valid FCM registration token',
        grpcStatus: 'INVALID_ARGUMENT',
      })
    }
    if (fake.unregistered.has(message.token))
      return googleError(res, 404, { fcmCode: 'UNREGISTERED', message: 'Requested entity was not found.', grpcStatus: 'NOT_FOUND' })
    const tokenError = fake.tokenErrors.get(message.token)
    if (tokenError === 'SENDER_ID_MISMATCH')
      return googleError(res, 403, { fcmCode: tokenError, message: 'SenderId mismatch', grpcStatus: 'PERMISSION_DENIED' })
    if (tokenError === 'THIRD_PARTY_AUTH_ERROR')
      return googleError(res, 401, {
        fcmCode: tokenError,
        message: 'Auth error from APNS or Web Push Service',
        grpcStatus: 'UNAUTHENTICATED',
      })
    if (tokenError === 'QUOTA_EXCEEDED')
      return googleError(res, 429, { fcmCode: tokenError, message: 'Quota exceeded for the device.', grpcStatus: 'RESOURCE_EXHAUSTED' })
    return accept(res, pathProject, message, body?.validate_only === true)
  }

  function accept(res: ServerResponse, projectId: string, message: Record<string, any>, validateOnly: boolean): void {
    if (validateOnly) {
      fake.validated.push({ projectId, message })
      return json(res, 200, { name: `projects/${projectId}/messages/fake_message_id` })
    }
    fake.messages.push({ projectId, message })
    messageCounter++
    return json(res, 200, {
      name: `projects/${projectId}/messages/0:${now()}${String(messageCounter).padStart(4, '0')}%${randomBytes(8).toString('hex')}`,
    })
  }

  return fake
}

function tokenFailure(res: ServerResponse, failure: { status: number; retryAfter?: string }): void {
  if (failure.retryAfter) res.setHeader('retry-after', failure.retryAfter)
  if (failure.status === 401) return json(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' })
  json(res, failure.status, { error: 'internal_failure', error_description: 'Backend Error' })
}

/** Google's error envelope, with the FcmError detail when FCM itself classified the failure. */
function googleError(
  res: ServerResponse,
  status: number,
  options: { fcmCode?: string; message?: string; grpcStatus?: string; retryAfter?: string } = {},
): void {
  // What FCM answers when it is the one failing (failNext), by status.
  const defaults: Record<number, { message: string; grpcStatus: string; fcmCode?: string }> = {
    401: { message: 'Request had invalid authentication credentials.', grpcStatus: 'UNAUTHENTICATED' },
    429: { message: 'Quota exceeded for quota metric.', grpcStatus: 'RESOURCE_EXHAUSTED', fcmCode: 'QUOTA_EXCEEDED' },
    500: { message: 'Internal error encountered.', grpcStatus: 'INTERNAL', fcmCode: 'INTERNAL' },
    503: { message: 'The service is currently unavailable.', grpcStatus: 'UNAVAILABLE', fcmCode: 'UNAVAILABLE' },
  }
  const fallback = defaults[status] ?? { message: 'Request contains an invalid argument.', grpcStatus: 'INVALID_ARGUMENT' }
  const fcmCode = options.message === undefined ? (options.fcmCode ?? fallback.fcmCode) : options.fcmCode
  if (options.retryAfter) res.setHeader('retry-after', options.retryAfter)
  json(res, status, {
    error: {
      code: status,
      message: options.message ?? fallback.message,
      status: options.grpcStatus ?? fallback.grpcStatus,
      ...(fcmCode ? { details: [{ '@type': FCM_ERROR_TYPE, errorCode: fcmCode }] } : {}),
    },
  })
}

function invalidArgument(res: ServerResponse, message: string, field?: string): void {
  json(res, 400, {
    error: {
      code: 400,
      message,
      status: 'INVALID_ARGUMENT',
      details: [
        ...(field ? [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] }] : []),
        { '@type': FCM_ERROR_TYPE, errorCode: 'INVALID_ARGUMENT' },
      ],
    },
  })
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
  res.end(JSON.stringify(body))
}
