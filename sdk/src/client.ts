// The REST client: one request function that adds the access token, refreshes it when needed
// and turns failures into CaravanError; the API methods below are one line each on top of it.
import { abortedError, CaravanError, errorFromResponse, networkError } from './errors.js'
import { connectRealtime, type CaravanRealtime, type RealtimeOptions } from './realtime.js'
import { memorySessionStorage, sessionFromResponse, type Session, type SessionStorage } from './session.js'
import type {
  AgentStatus,
  CannedResponse,
  CannedResponseInput,
  CreateSupportTeamInput,
  CreateTicketInput,
  CreatedWidgetSite,
  CreateWidgetSiteInput,
  EscalateConversationInput,
  CsatInput,
  Macro,
  MacroInput,
  SupportAgent,
  SupportAnalytics,
  SupportAnalyticsQuery,
  SupportConversation,
  SupportConversationPage,
  SupportConversationQuery,
  SupportSettings,
  SupportTeam,
  TicketDetail,
  TicketNoteInput,
  TicketPage,
  TicketQuery,
  TicketReplyInput,
  UpdateSupportSettingsInput,
  UpdateSupportTeamInput,
  UpdateTicketInput,
  UpdateWidgetSiteInput,
  RotatedWidgetSiteSecret,
  WidgetSite,
  AuditQuery,
  ConfigurePaymentGatewayInput,
  CreatePaymentInput,
  Payment,
  PaymentDetail,
  PaymentOptions,
  PaymentAnalytics,
  PaymentAnalyticsQuery,
  PaymentGateway,
  PaymentGatewayName,
  PaymentPage,
  PaymentQuery,
  PaymentSettings,
  Refund,
  Wallet,
  WalletTransactionPage,
  WalletTransactionQuery,
  WalletStatementQuery,
  WalletAdjustmentInput,
  WalletAdjustment,
  WalletPaymentInput,
  WalletPaymentResult,
  WalletTransferInput,
  WalletTransferResult,
  WalletCheckout,
  WalletCheckoutResult,
  Withdrawal,
  WithdrawalInput,
  WithdrawalPage,
  WithdrawalQuery,
  WalletSettings,
  UpdateWalletSettingsInput,
  LedgerCheck,
  FraudAssessment,
  FraudAssessmentPage,
  FraudAssessmentQuery,
  FraudBlocklistEntry,
  FraudBlocklistInput,
  FraudBlocklistPage,
  FraudBlocklistQuery,
  FraudReviewQuery,
  FraudRulesDocument,
  RejectFraudReviewInput,
  UpdateFraudRulesInput,
  LedgerAccount,
  LedgerAccountPage,
  LedgerAccountQuery,
  LedgerPostingPage,
  LedgerPostingQuery,
  LedgerTransfer,
  RefundInput,
  RefundPage,
  RefundQuery,
  UpdatePaymentSettingsInput,
  ChatMessage,
  ChatReportPage,
  ChatReportQuery,
  ChatSearchPage,
  ChatSearchQuery,
  ChatSettings,
  Conversation,
  ConversationPage,
  CreateConversationInput,
  FileView,
  MessageEdit,
  MessagesPage,
  MessagesQuery,
  SendMessageInput,
  UpdateChatSettingsInput,
  BatchUpsertResult,
  ExternalUser,
  ExternalUserInput,
  ExternalUserItem,
  RotatedIdentitySecret,
  UserExport,
  UserRef,
  AvailableTopicPage,
  AvailableTopicQuery,
  CreateTopicInput,
  CreateApiKeyInput,
  CreateNotificationProviderInput,
  CreateNotificationTypeInput,
  DeliveryPage,
  DeliveryQuery,
  InboxItem,
  InboxPage,
  InboxQuery,
  ListUsersQuery,
  Locale,
  LoginInput,
  NotificationChannel,
  NotificationDetail,
  NotificationPreferences,
  NotificationPreferencesView,
  NotificationProvider,
  NotificationProviderList,
  NotificationSettings,
  NotificationTemplate,
  NotificationType,
  NotificationTypeDetail,
  NotificationWorkflow,
  NotificationRunQuery,
  NotificationRunPage,
  PreviewWorkflowInput,
  WorkflowPreview,
  WorkflowStep,
  CancelRunsInput,
  CancelRunsResult,
  OutboxPage,
  OutboxQuery,
  PreviewTemplateInput,
  QueryOf,
  RegisterDeviceInput,
  RegisterInput,
  ResponseOf,
  Role,
  SendNotificationInput,
  SendNotificationResult,
  SessionResponse,
  TemplateContent,
  TemplatePreview,
  MyTopic,
  Topic,
  UpdateMeInput,
  UpdateNotificationProviderInput,
  UpdateNotificationSettingsInput,
  UpdateNotificationTypeInput,
  UpdateTopicInput,
  User,
} from './types.js'

export interface CaravanClientOptions {
  /** Where the API is, e.g. https://caravan.example.com; '' (the default) means this page's origin. */
  baseUrl?: string
  /** Where the session is kept; memory by default, localStorageSessionStorage() in a browser app. */
  storage?: SessionStorage
  /** Called with the new session after sign-in, refresh or a profile change, and with null after sign-out or a failed refresh. */
  onSessionChange?: (session: Session | null) => void
  /** The fetch to use (tests pass a fake one). */
  fetch?: typeof fetch
  /** Refresh before sending when the access token expires within this many seconds. */
  refreshLeewaySeconds?: number
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number
  /**
   * An API key (`ck_...`) for a host product's server: sent instead of a session's access token,
   * never refreshed. Only routes that accept API keys (e.g. notifications.send with the scope
   * `notifications:send`) can be called with it.
   */
  apiKey?: string
}

/**
 * The last, optional argument of every method: `signal` aborts the call (TanStack Query passes
 * one, so a page that goes away cancels its reads). An aborted call rejects with a CaravanError
 * of code `aborted` (status 0), one error type for callers; it never ends the session nor cancels
 * a token refresh other calls share.
 */
export interface CallOptions {
  signal?: AbortSignal
}

export interface RequestOptions extends CallOptions {
  body?: unknown
  query?: Record<string, string | number | boolean | undefined>
  /** Send the access token (default true). */
  auth?: boolean
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>
  /** The body as text (a CSV export) instead of parsed JSON. */
  text?: boolean
}

/**
 * For money writes: `idempotencyKey` is sent as the Idempotency-Key header. Use one key per
 * intended payment or refund and send it again on a retry: the server answers with the first
 * result instead of charging or refunding twice (the same key with another body is a 422).
 */
export interface IdempotentCallOptions extends CallOptions {
  idempotencyKey?: string
  /**
   * Sent as `X-Device-Id` (8–128 of A–Z a–z 0–9 . _ : -): the id your app keeps for this
   * installation or browser. Payments, wallet payments, transfers and withdrawals take it; the
   * fraud rules count operations per device.
   */
  deviceId?: string
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** What register() answers: signed in at once, or waiting for the e-mailed link (EMAIL_VERIFICATION). */
export type Registration = (Session & { verificationRequired: false }) | { user: User; verificationRequired: true }

const idempotencyHeader = (o?: IdempotentCallOptions): Record<string, string> | undefined =>
  o?.idempotencyKey || o?.deviceId
    ? { ...(o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}), ...(o.deviceId ? { 'x-device-id': o.deviceId } : {}) }
    : undefined

export function createCaravanClient(options: CaravanClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '')
  const storage = options.storage ?? memorySessionStorage()
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const leewayMs = (options.refreshLeewaySeconds ?? 30) * 1000
  const now = options.now ?? Date.now

  function setSession(session: Session | null) {
    storage.save(session)
    options.onSessionChange?.(session)
  }
  storage.subscribe?.((session) => options.onSessionChange?.(session))

  const expiresSoon = (session: Session) => session.accessTokenExpiresAt - now() <= leewayMs

  async function send(
    method: Method,
    path: string,
    body: unknown,
    query: RequestOptions['query'],
    token: string | undefined,
    signal?: AbortSignal,
    extraHeaders?: Record<string, string>,
  ) {
    let url = baseUrl + path
    const params = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== '')
    if (params.length) url += '?' + new URLSearchParams(params.map(([k, v]) => [k, String(v)])).toString()
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json, application/problem+json' }
    // FormData (an upload) sets its own multipart content type with the boundary.
    const form = typeof FormData !== 'undefined' && body instanceof FormData
    if (body !== undefined && !form) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    try {
      return await fetchFn(url, {
        method,
        headers,
        body: body === undefined ? undefined : form ? (body as FormData) : JSON.stringify(body),
        signal,
      })
    } catch (e) {
      throw networkError(e)
    }
  }

  /**
   * Waits for a refresh that other calls share, unless this caller's signal aborts first: then
   * only this caller stops waiting (code `aborted`); the refresh goes on for the others.
   */
  function unlessAborted<T>(shared: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return shared
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(abortedError(signal.reason))
      signal.addEventListener('abort', onAbort, { once: true })
      shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
      if (signal.aborted) onAbort()
    })
  }

  let refreshing: Promise<Session> | null = null

  /**
   * Trades the refresh token for a new pair, once for all concurrent callers. `staleToken` is
   * the access token that was refused: if storage already holds a newer one (another tab or
   * caller refreshed meanwhile), that one is used instead of spending the refresh token again.
   */
  function refreshSession(staleToken?: string): Promise<Session> {
    refreshing ??= (async () => {
      const run = async () => {
        const current = storage.load()
        if (!current) throw new CaravanError({ type: 'unauthorized', title: 'Not signed in', status: 401 })
        if (staleToken && current.accessToken !== staleToken && !expiresSoon(current)) return current
        const response = await send('POST', '/v1/auth/refresh', { refreshToken: current.refreshToken }, undefined, undefined)
        if (!response.ok) {
          const error = await errorFromResponse(response)
          // A refused token ends the session; a busy or unreachable server does not.
          if (error.status >= 400 && error.status < 500 && error.status !== 429) setSession(null)
          throw error
        }
        const session = sessionFromResponse((await response.json()) as SessionResponse, now())
        setSession(session)
        return session
      }
      try {
        return await (storage.lock ? storage.lock(run) : run())
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** A usable access token, refreshed first if it expires within the leeway; null when signed out. */
  async function accessToken(o?: CallOptions): Promise<string | null> {
    if (options.apiKey) return options.apiKey
    const session = storage.load()
    if (!session) return null
    return expiresSoon(session) ? (await unlessAborted(refreshSession(session.accessToken), o?.signal)).accessToken : session.accessToken
  }

  /**
   * Sends one API request. A 401 invalid_token answer (the token expired or the server's
   * sessions were reset) triggers one refresh and one retry; the second answer is final.
   * `signal` aborts this call only (CaravanError `aborted`), never a refresh others share.
   */
  async function request<T>(method: Method, path: string, init: RequestOptions = {}): Promise<T> {
    const { signal } = init
    try {
      signal?.throwIfAborted()
      const token = (init.auth ?? true) ? ((await accessToken(init)) ?? undefined) : undefined
      let response = await send(method, path, init.body, init.query, token, signal, init.headers)
      if (response.status === 401 && token && !options.apiKey) {
        const error = await errorFromResponse(response.clone())
        if (!error.type.endsWith('invalid_token')) throw error
        const session = await unlessAborted(refreshSession(token), signal)
        response = await send(method, path, init.body, init.query, session.accessToken, signal, init.headers)
      }
      if (!response.ok) throw await errorFromResponse(response)
      if (response.status === 204) return undefined as T
      const text = await response.text()
      if (init.text) return text as T
      return (text ? JSON.parse(text) : undefined) as T
    } catch (e) {
      // Once the caller has aborted, whatever broke (fetch, reading a body) is that abort.
      throw signal?.aborted ? abortedError(signal.reason) : e
    }
  }

  function storeSession(response: SessionResponse): Session {
    const session = sessionFromResponse(response, now())
    setSession(session)
    return session
  }

  async function startSession(path: string, body: unknown, o?: CallOptions): Promise<Session> {
    return storeSession(await request<ResponseOf<'login'>>('POST', path, { body, auth: false, signal: o?.signal }))
  }

  /** Keeps the stored user in step with the server's answer. */
  function rememberUser(user: User): User {
    const session = storage.load()
    if (session && session.user.id === user.id && JSON.stringify(session.user) !== JSON.stringify(user)) setSession({ ...session, user })
    return user
  }

  const id = (value: string) => encodeURIComponent(value)

  const client = {
    baseUrl,
    /** The stored session, or null when signed out. */
    get session(): Session | null {
      return storage.load()
    },
    accessToken,
    request,

    /**
     * Creates a customer account. Without e-mail verification the answer is a session (stored,
     * signed in) with `verificationRequired: false`; with it (EMAIL_VERIFICATION) it is
     * `{ user, verificationRequired: true }`: nothing is stored, a link was e-mailed, and
     * verifyEmail(token) signs in once it is opened.
     */
    async register(input: RegisterInput, o?: CallOptions): Promise<Registration> {
      const answer = await request<ResponseOf<'register'>>('POST', '/v1/auth/register', { body: input, auth: false, signal: o?.signal })
      if (answer.verificationRequired) return { user: answer.user, verificationRequired: true }
      return { ...storeSession(answer), verificationRequired: false }
    },
    /** Signs in; an address not yet verified is refused with 403 `email_not_verified` (after the password check). */
    login: (input: LoginInput, o?: CallOptions) => startSession('/v1/auth/login', input, o),
    /** Redeems the token of an e-mailed link (/verify-email?token=…) and signs in; 401 `invalid_token` when it is forged or expired. */
    verifyEmail: (token: string, o?: CallOptions) => startSession('/v1/auth/verify-email', { token }, o),
    /** E-mails a password reset link (also a host product's user's first password); resolves whether or not the address has an account. */
    requestPasswordReset: async (email: string, o?: CallOptions): Promise<void> => {
      await request<ResponseOf<'requestPasswordReset'>>('POST', '/v1/auth/password-reset', {
        body: { email },
        auth: false,
        signal: o?.signal,
      })
    },
    /** Redeems the link's token with a new password and signs in (the user's other sessions end). */
    resetPassword: (token: string, password: string, o?: CallOptions) =>
      startSession('/v1/auth/password-reset/confirm', { token, password }, o),
    /**
     * Signs a host product's user in, in the browser: `signature` is hex HMAC-SHA256(identity secret,
     * externalId), computed on the host's server and handed to its page. Checked on every call.
     */
    identify: (externalId: string, signature: string, o?: CallOptions) => startSession('/v1/auth/identity', { externalId, signature }, o),
    /** E-mails a new link; the server answers alike whether or not the address waits for one. */
    resendVerification: async (email: string, o?: CallOptions): Promise<void> => {
      await request<ResponseOf<'resendVerificationEmail'>>('POST', '/v1/auth/verify-email/resend', {
        body: { email },
        auth: false,
        signal: o?.signal,
      })
    },
    /** Forces a refresh now (normally automatic); an abort only stops this caller's wait. */
    refresh: (o?: CallOptions) => unlessAborted(refreshSession(), o?.signal),
    /** Ends the session on the server (best effort, abortable) and always locally. */
    async logout(o?: CallOptions): Promise<void> {
      const session = storage.load()
      setSession(null)
      if (session) {
        const body = { refreshToken: session.refreshToken }
        await request('POST', '/v1/auth/logout', { body, auth: false, signal: o?.signal }).catch(() => {})
      }
    },
    me: async (o?: CallOptions) => rememberUser(await request<ResponseOf<'getMe'>>('GET', '/v1/me', { signal: o?.signal })),
    updateMe: async (input: UpdateMeInput, o?: CallOptions) =>
      rememberUser(await request<ResponseOf<'updateMe'>>('PATCH', '/v1/me', { body: input, signal: o?.signal })),

    /** A new password, proven with the current one; every other session ends, this one goes on. */
    changePassword: async (input: { currentPassword: string; newPassword: string }, o?: CallOptions): Promise<void> => {
      await request<void>('POST', '/v1/me/password', { body: input, signal: o?.signal })
    },
    /** Sign out everywhere else: every session but this one ends at once. */
    endOtherSessions: async (o?: CallOptions): Promise<void> => {
      await request<void>('POST', '/v1/me/sessions/end-others', { signal: o?.signal })
    },

    devices: {
      list: async (o?: CallOptions) => (await request<ResponseOf<'listDevices'>>('GET', '/v1/me/devices', { signal: o?.signal })).items,
      register: (input: RegisterDeviceInput, o?: CallOptions) =>
        request<ResponseOf<'registerDevice'>>('POST', '/v1/me/devices', { body: input, signal: o?.signal }),
      remove: (deviceId: string, o?: CallOptions) => request<void>('DELETE', `/v1/me/devices/${id(deviceId)}`, { signal: o?.signal }),
      /** The VAPID public key to subscribe a browser with (`applicationServerKey`); `webPush: null` when Web Push is off. Public. */
      pushConfig: (o?: CallOptions) => request<ResponseOf<'getPushConfig'>>('GET', '/v1/push/config', { signal: o?.signal }),
    },

    /**
     * The host product's users, from the host's server (an API key with `users:write` / `users:read`,
     * `sessions:create` for sessions) or an admin.
     */
    users: {
      /** Creates (created: true) or updates the user with this externalId. */
      upsert: (externalId: string, input: ExternalUserInput, o?: CallOptions) =>
        request<ExternalUser>('PUT', `/v1/users/external/${id(externalId)}`, { body: input, signal: o?.signal }),
      get: (externalId: string, o?: CallOptions) =>
        request<ExternalUser>('GET', `/v1/users/external/${id(externalId)}`, { signal: o?.signal }),
      /** Up to 1,000 users in one call, all or nothing. */
      upsertMany: (users: ExternalUserItem[], o?: CallOptions) =>
        request<BatchUpsertResult>('POST', '/v1/users/external:batch', { body: { users }, signal: o?.signal }),
      /** Erasure: personal data wiped, sessions and devices ended; by externalId, or `{ id }` for a Caravan id. */
      erase: (user: string | { id: string }, o?: CallOptions) =>
        request<void>('DELETE', typeof user === 'string' ? `/v1/users/external/${id(user)}` : `/v1/users/${id(user.id)}`, {
          signal: o?.signal,
        }),
      /** Everything Caravan holds about the user (by Caravan id). */
      export: (userId: string, o?: CallOptions) => request<UserExport>('GET', `/v1/users/${id(userId)}/export`, { signal: o?.signal }),
      /**
       * Tokens for a host user, to hand to that user's app (server to server, `sessions:create`);
       * the user is created or updated first. Not stored in this client.
       */
      createSession: (input: ExternalUserItem, o?: CallOptions) =>
        request<SessionResponse>('POST', '/v1/auth/sessions', { body: input, signal: o?.signal }),
    },

    /** The identity secret host servers sign externalIds with (admin). */
    identitySecrets: {
      /** The current secret and older ones still in their grace period; never the values. */
      list: async (o?: CallOptions) =>
        (await request<ResponseOf<'listIdentitySecrets'>>('GET', '/v1/identity-secrets', { signal: o?.signal })).items,
      /** A new secret, shown only in this answer; the previous one keeps working for `graceSeconds` (default a day). */
      rotate: (input: { graceSeconds?: number } = {}, o?: CallOptions) =>
        request<RotatedIdentitySecret>('POST', '/v1/identity-secrets', { body: input, signal: o?.signal }),
    },

    apiKeys: {
      /** The answer's `key` is shown only this once. */
      create: (input: CreateApiKeyInput, o?: CallOptions) =>
        request<ResponseOf<'createApiKey'>>('POST', '/v1/api-keys', { body: input, signal: o?.signal }),
      list: async (o?: CallOptions) => (await request<ResponseOf<'listApiKeys'>>('GET', '/v1/api-keys', { signal: o?.signal })).items,
      revoke: (keyId: string, o?: CallOptions) => request<void>('DELETE', `/v1/api-keys/${id(keyId)}`, { signal: o?.signal }),
    },

    admin: {
      /** Chat moderation: reports, deleting any message, settings. */
      chat: {
        reports: (query: ChatReportQuery = {}, o?: CallOptions) =>
          request<ChatReportPage>('GET', '/v1/admin/chat/reports', { query, signal: o?.signal }),
        resolveReport: (reportId: string, o?: CallOptions) =>
          request<void>('POST', `/v1/admin/chat/reports/${id(reportId)}/resolve`, { signal: o?.signal }),
        deleteMessage: (messageId: string, o?: CallOptions) =>
          request<void>('DELETE', `/v1/admin/chat/messages/${id(messageId)}`, { signal: o?.signal }),
        settings: (o?: CallOptions) => request<ChatSettings>('GET', '/v1/admin/chat/settings', { signal: o?.signal }),
        updateSettings: (patch: UpdateChatSettingsInput, o?: CallOptions) =>
          request<ChatSettings>('PATCH', '/v1/admin/chat/settings', { body: patch, signal: o?.signal }),
      },
      listUsers: (query: ListUsersQuery = {}, o?: CallOptions) =>
        request<ResponseOf<'listUsers'>>('GET', '/v1/admin/users', { query, signal: o?.signal }),
      getUser: (userId: string, o?: CallOptions) =>
        request<ResponseOf<'getUser'>>('GET', `/v1/admin/users/${id(userId)}`, { signal: o?.signal }),
      setUserRole: (userId: string, role: Role, o?: CallOptions) =>
        request<ResponseOf<'setUserRole'>>('PUT', `/v1/admin/users/${id(userId)}/role`, { body: { role }, signal: o?.signal }),
      listAudit: (query: AuditQuery = {}, o?: CallOptions) =>
        request<ResponseOf<'listAuditLog'>>('GET', '/v1/admin/audit', { query, signal: o?.signal }),
      verifyAudit: (o?: CallOptions) => request<ResponseOf<'verifyAuditLog'>>('GET', '/v1/admin/audit/verify', { signal: o?.signal }),
      listDeadJobs: async (query: QueryOf<'listDeadJobs'> = {}, o?: CallOptions) =>
        (await request<ResponseOf<'listDeadJobs'>>('GET', '/v1/admin/jobs/dead', { query, signal: o?.signal })).items,
      retryDeadJob: (jobId: string, o?: CallOptions) =>
        request<ResponseOf<'retryDeadJob'>>('POST', `/v1/admin/jobs/dead/${id(jobId)}/retry`, { signal: o?.signal }),

      /** Payments: the refund approval queue, the gateways and the module's settings. */
      payments: {
        /** Refunds, newest first; `status: 'awaiting_approval'` is the approval queue. */
        refunds: (query: RefundQuery = {}, o?: CallOptions) =>
          request<RefundPage>('GET', '/v1/admin/refunds', { query, signal: o?.signal }),
        /** The refund goes to the gateway. */
        approveRefund: (refundId: string, o?: CallOptions) =>
          request<Refund>('POST', `/v1/admin/refunds/${id(refundId)}/approve`, { signal: o?.signal }),
        /** Its amount is given back to what the payment can still refund. */
        rejectRefund: (refundId: string, o?: CallOptions) =>
          request<Refund>('POST', `/v1/admin/refunds/${id(refundId)}/reject`, { signal: o?.signal }),
        gateways: (o?: CallOptions) => request<PaymentGateway[]>('GET', '/v1/admin/payment-gateways', { signal: o?.signal }),
        /** Secrets left out of `config`, or sent back as "••••••", keep their stored value. */
        configureGateway: (name: PaymentGatewayName, input: ConfigurePaymentGatewayInput, o?: CallOptions) =>
          request<PaymentGateway>('PUT', `/v1/admin/payment-gateways/${id(name)}`, { body: input, signal: o?.signal }),
        /** Forgets the gateway's settings (404 when it has none). */
        removeGateway: (name: PaymentGatewayName, o?: CallOptions) =>
          request<void>('DELETE', `/v1/admin/payment-gateways/${id(name)}`, { signal: o?.signal }),
        settings: (o?: CallOptions) => request<PaymentSettings>('GET', '/v1/admin/payment-settings', { signal: o?.signal }),
        /** Only the fields given change. */
        updateSettings: (patch: UpdatePaymentSettingsInput, o?: CallOptions) =>
          request<PaymentSettings>('PATCH', '/v1/admin/payment-settings', { body: patch, signal: o?.signal }),
        /**
         * Figures per currency of the payments created over a range (the last 30 days by default, at
         * most 366), by local day, gateway or currency; failure reasons; wallet liabilities.
         */
        analytics: (query: PaymentAnalyticsQuery = {}, o?: CallOptions) =>
          request<PaymentAnalytics>('GET', '/v1/payments/analytics', { query, signal: o?.signal }),
        /** The same figures as CSV text (a row per group and currency, then a total row per currency). */
        exportAnalytics: (query: PaymentAnalyticsQuery = {}, o?: CallOptions) =>
          request<string>('GET', '/v1/payments/analytics/export', { query, signal: o?.signal, text: true }),
      },

      /** Users' wallets on the ledger. */
      wallet: {
        /** `amount` > 0 credits the wallet, < 0 debits it (409 insufficient_funds below zero); the reason is kept and audited. */
        adjust: (input: WalletAdjustmentInput, o?: IdempotentCallOptions) =>
          request<WalletAdjustment>('POST', '/v1/admin/wallet/adjustments', {
            body: input,
            signal: o?.signal,
            headers: idempotencyHeader(o),
          }),
        /** The ledger's invariants, checked now over all of it. */
        check: (o?: CallOptions) => request<LedgerCheck>('GET', '/v1/admin/wallet/check', { signal: o?.signal }),
        /** Ledger accounts (wallets and platform accounts) with their counters, newest first. */
        accounts: (query: LedgerAccountQuery = {}, o?: CallOptions) =>
          request<LedgerAccountPage>('GET', '/v1/admin/wallet/accounts', { query, signal: o?.signal }),
        account: (accountId: string, o?: CallOptions) =>
          request<LedgerAccount>('GET', `/v1/admin/wallet/accounts/${id(accountId)}`, { signal: o?.signal }),
        /** An account's postings, newest first, each with the balance after it. */
        postings: (accountId: string, query: LedgerPostingQuery = {}, o?: CallOptions) =>
          request<LedgerPostingPage>('GET', `/v1/admin/wallet/accounts/${id(accountId)}/postings`, { query, signal: o?.signal }),
        /** A transfer with both of its postings (none while it is a pending hold). */
        transfer: (transferId: string, o?: CallOptions) =>
          request<LedgerTransfer>('GET', `/v1/admin/wallet/transfers/${id(transferId)}`, { signal: o?.signal }),
        settings: (o?: CallOptions) => request<WalletSettings>('GET', '/v1/admin/wallet/settings', { signal: o?.signal }),
        /** `status: 'pending'` is the approval queue. */
        withdrawals: (query: WithdrawalQuery = {}, o?: CallOptions) =>
          request<WithdrawalPage>('GET', '/v1/admin/wallet/withdrawals', { query, signal: o?.signal }),
        approveWithdrawal: (withdrawalId: string, input: { note?: string } = {}, o?: CallOptions) =>
          request<Withdrawal>('POST', `/v1/admin/wallet/withdrawals/${id(withdrawalId)}/approve`, { body: input, signal: o?.signal }),
        rejectWithdrawal: (withdrawalId: string, input: { note?: string } = {}, o?: CallOptions) =>
          request<Withdrawal>('POST', `/v1/admin/wallet/withdrawals/${id(withdrawalId)}/reject`, { body: input, signal: o?.signal }),
        /** Only the fields given change; transferLimits is replaced whole (a currency left out has no limit). */
        updateSettings: (patch: UpdateWalletSettingsInput, o?: CallOptions) =>
          request<WalletSettings>('PATCH', '/v1/admin/wallet/settings', { body: patch, signal: o?.signal }),
      },

      /**
       * Fraud checks: the rules (versioned: send back the version you read; 409 when someone changed
       * them meanwhile), the review queue, assessments and the blocklist. Decisions and blocklist
       * changes take an `idempotencyKey`: a retry answers the first result.
       */
      fraud: {
        rules: (o?: CallOptions) => request<FraudRulesDocument>('GET', '/v1/admin/fraud/rules', { signal: o?.signal }),
        /** The whole document; 400 (nothing changed) when it is not valid. */
        updateRules: (input: UpdateFraudRulesInput, o?: IdempotentCallOptions) =>
          request<FraudRulesDocument>('PUT', '/v1/admin/fraud/rules', { body: input, signal: o?.signal, headers: idempotencyHeader(o) }),
        /** Newest first; `status: 'open'` is what waits for a decision. */
        reviews: (query: FraudReviewQuery = {}, o?: CallOptions) =>
          request<FraudAssessmentPage>('GET', '/v1/admin/fraud/reviews', { query, signal: o?.signal }),
        /** A withdrawal it held can then be approved. Two admins at once: one decision, the other 409. */
        approveReview: (assessmentId: string, input: { note?: string } = {}, o?: IdempotentCallOptions) =>
          request<FraudAssessment>('POST', `/v1/admin/fraud/reviews/${id(assessmentId)}/approve`, {
            body: input,
            signal: o?.signal,
            headers: idempotencyHeader(o),
          }),
        /** A withdrawal it held is rejected; `block` puts the assessment's facts on the blocklist. */
        rejectReview: (assessmentId: string, input: RejectFraudReviewInput = {}, o?: IdempotentCallOptions) =>
          request<FraudAssessment>('POST', `/v1/admin/fraud/reviews/${id(assessmentId)}/reject`, {
            body: input,
            signal: o?.signal,
            headers: idempotencyHeader(o),
          }),
        /** Newest first, by user, decision, operation or `ref` (the payment or withdrawal it is about). */
        assessments: (query: FraudAssessmentQuery = {}, o?: CallOptions) =>
          request<FraudAssessmentPage>('GET', '/v1/admin/fraud/assessments', { query, signal: o?.signal }),
        assessment: (assessmentId: string, o?: CallOptions) =>
          request<FraudAssessment>('GET', `/v1/admin/fraud/assessments/${id(assessmentId)}`, { signal: o?.signal }),
        blocklist: (query: FraudBlocklistQuery = {}, o?: CallOptions) =>
          request<FraudBlocklistPage>('GET', '/v1/admin/fraud/blocklist', { query, signal: o?.signal }),
        /** 409 when listed already. */
        addToBlocklist: (input: FraudBlocklistInput, o?: IdempotentCallOptions) =>
          request<FraudBlocklistEntry>('POST', '/v1/admin/fraud/blocklist', {
            body: input,
            signal: o?.signal,
            headers: idempotencyHeader(o),
          }),
        removeFromBlocklist: (entryId: string, o?: IdempotentCallOptions) =>
          request<void>('DELETE', `/v1/admin/fraud/blocklist/${id(entryId)}`, { signal: o?.signal, headers: idempotencyHeader(o) }),
      },

      /** The notification catalogue, providers, settings and activity feed. */
      notifications: {
        listTypes: async (o?: CallOptions): Promise<NotificationType[]> =>
          (await request<ResponseOf<'listNotificationTypes'>>('GET', '/v1/admin/notification-types', { signal: o?.signal })).items,
        createType: (input: CreateNotificationTypeInput, o?: CallOptions) =>
          request<NotificationType>('POST', '/v1/admin/notification-types', { body: input, signal: o?.signal }),
        /** The type with the newest template of each channel and locale. */
        getType: (typeKey: string, o?: CallOptions) =>
          request<NotificationTypeDetail>('GET', `/v1/admin/notification-types/${id(typeKey)}`, { signal: o?.signal }),
        updateType: (typeKey: string, patch: UpdateNotificationTypeInput, o?: CallOptions) =>
          request<NotificationType>('PATCH', `/v1/admin/notification-types/${id(typeKey)}`, { body: patch, signal: o?.signal }),
        /** Caravan's own types (`system: true`) cannot be deleted (409). */
        deleteType: (typeKey: string, o?: CallOptions) =>
          request<void>('DELETE', `/v1/admin/notification-types/${id(typeKey)}`, { signal: o?.signal }),
        /** Every saved version, newest first. */
        templateVersions: async (
          typeKey: string,
          query: { channel?: NotificationChannel; locale?: Locale } = {},
          o?: CallOptions,
        ): Promise<NotificationTemplate[]> =>
          (
            await request<{ items: NotificationTemplate[] }>('GET', `/v1/admin/notification-types/${id(typeKey)}/templates`, {
              query,
              signal: o?.signal,
            })
          ).items,
        /** Saves a new version; a Liquid syntax error is a 422 whose `errors[].field` names the field (`content.html`) and whose message names the line. */
        saveTemplate: (typeKey: string, channel: NotificationChannel, locale: Locale, content: TemplateContent, o?: CallOptions) =>
          request<NotificationTemplate>('PUT', `/v1/admin/notification-types/${id(typeKey)}/templates/${channel}/${locale}`, {
            body: { content },
            signal: o?.signal,
          }),
        /** Renders unsaved `content`, a saved `version`, or the newest version, with sample `data`. */
        preview: (typeKey: string, input: PreviewTemplateInput, o?: CallOptions) =>
          request<TemplatePreview>('POST', `/v1/admin/notification-types/${id(typeKey)}/preview`, { body: input, signal: o?.signal }),

        /** The type's workflow (version 0, no steps: none). */
        getWorkflow: (typeKey: string, o?: CallOptions) =>
          request<NotificationWorkflow>('GET', `/v1/admin/notification-types/${id(typeKey)}/workflow`, { signal: o?.signal }),
        /** Saves the steps as the next version (`[]` removes the workflow); a step that cannot run is a 422 naming it (`steps[2].channel`). */
        saveWorkflow: (typeKey: string, steps: WorkflowStep[], o?: CallOptions) =>
          request<NotificationWorkflow>('PUT', `/v1/admin/notification-types/${id(typeKey)}/workflow`, {
            body: { steps },
            signal: o?.signal,
          }),
        /** The last 20 versions, newest first. */
        workflowVersions: async (typeKey: string, o?: CallOptions): Promise<NotificationWorkflow[]> =>
          (
            await request<ResponseOf<'listNotificationWorkflowVersions'>>(
              'GET',
              `/v1/admin/notification-types/${id(typeKey)}/workflow/versions`,
              {
                signal: o?.signal,
              },
            )
          ).items,
        /** What the saved (or given) steps do for one recipient with sample data and assumed facts: each step, when, and what it sends. */
        previewWorkflow: (typeKey: string, input: PreviewWorkflowInput, o?: CallOptions) =>
          request<WorkflowPreview>('POST', `/v1/admin/notification-types/${id(typeKey)}/workflow/preview`, {
            body: input,
            signal: o?.signal,
          }),
        /** Workflow runs, newest first, with their next step and when it happens. */
        runs: (query: NotificationRunQuery = {}, o?: CallOptions) =>
          request<NotificationRunPage>('GET', '/v1/admin/notifications/runs', { query, signal: o?.signal }),

        /** Configured providers in failover order (secret fields masked as "••••••"), and the kinds that can be added. */
        listProviders: (o?: CallOptions) =>
          request<NotificationProviderList>('GET', '/v1/admin/notification-providers', { signal: o?.signal }),
        createProvider: (input: CreateNotificationProviderInput, o?: CallOptions) =>
          request<NotificationProvider>('POST', '/v1/admin/notification-providers', { body: input, signal: o?.signal }),
        /** Secret fields left out of `config`, or sent back as "••••••", keep their stored value. */
        updateProvider: (providerId: string, patch: UpdateNotificationProviderInput, o?: CallOptions) =>
          request<NotificationProvider>('PATCH', `/v1/admin/notification-providers/${id(providerId)}`, { body: patch, signal: o?.signal }),
        deleteProvider: (providerId: string, o?: CallOptions) =>
          request<void>('DELETE', `/v1/admin/notification-providers/${id(providerId)}`, { signal: o?.signal }),

        settings: (o?: CallOptions) => request<NotificationSettings>('GET', '/v1/admin/notification-settings', { signal: o?.signal }),
        updateSettings: (input: UpdateNotificationSettingsInput, o?: CallOptions) =>
          request<NotificationSettings>('PUT', '/v1/admin/notification-settings', { body: input, signal: o?.signal }),

        /** The activity feed: deliveries, newest first; `from`/`to` are ISO date-times. */
        deliveries: (query: DeliveryQuery = {}, o?: CallOptions) =>
          request<DeliveryPage>('GET', '/v1/admin/notifications/deliveries', { query, signal: o?.signal }),
      },
    },

    /** The signed-in user's inbox, preferences and topics; sending (admin or an API key with `notifications:send`). */
    notifications: {
      /** My inbox, newest first; `archived: true` lists the archive, `unread: true` only unread items. */
      list: (query: InboxQuery = {}, o?: CallOptions) => request<InboxPage>('GET', '/v1/me/notifications', { query, signal: o?.signal }),
      /** `{count, seq}`: a count with a higher `seq` (here or in a socket event) was read later and wins. */
      unreadCount: (o?: CallOptions) =>
        request<ResponseOf<'getUnreadCount'>>('GET', '/v1/me/notifications/unread-count', { signal: o?.signal }),
      markRead: (itemId: string, o?: CallOptions) =>
        request<InboxItem>('POST', `/v1/me/notifications/${id(itemId)}/read`, { signal: o?.signal }),
      /** Returns how many items were marked read. */
      markAllRead: async (o?: CallOptions) =>
        (await request<ResponseOf<'markAllRead'>>('POST', '/v1/me/notifications/read-all', { signal: o?.signal })).updated,
      archive: (itemId: string, o?: CallOptions) =>
        request<InboxItem>('POST', `/v1/me/notifications/${id(itemId)}/archive`, { signal: o?.signal }),
      /** Back from the archive to the inbox (the undo of archive). */
      restore: (itemId: string, o?: CallOptions) =>
        request<InboxItem>('POST', `/v1/me/notifications/${id(itemId)}/restore`, { signal: o?.signal }),
      preferences: (o?: CallOptions) =>
        request<NotificationPreferencesView>('GET', '/v1/me/notification-preferences', { signal: o?.signal }),
      /** Replaces all my preferences (a category or channel left out of `categories` is on). */
      setPreferences: (preferences: NotificationPreferences, o?: CallOptions) =>
        request<NotificationPreferencesView>('PUT', '/v1/me/notification-preferences', { body: preferences, signal: o?.signal }),
      /** Topics I am subscribed to: public ones I follow, and private ones the host put me in. */
      topics: async (o?: CallOptions): Promise<MyTopic[]> =>
        (await request<ResponseOf<'listMyTopics'>>('GET', '/v1/me/topics', { signal: o?.signal })).items,
      /** Public topics I may follow, newest first, each with whether I follow it. */
      availableTopics: (query: AvailableTopicQuery = {}, o?: CallOptions) =>
        request<AvailableTopicPage>('GET', '/v1/me/topics/available', { query, signal: o?.signal }),
      /** Public topics only: a private or unknown topic is a 404. */
      follow: (topicKey: string, o?: CallOptions) => request<void>('PUT', `/v1/me/topics/${id(topicKey)}`, { signal: o?.signal }),
      unfollow: (topicKey: string, o?: CallOptions) => request<void>('DELETE', `/v1/me/topics/${id(topicKey)}`, { signal: o?.signal }),

      /** Accepted at once (202); delivery runs in the background. The same `idempotencyKey` never sends twice. */
      send: (input: SendNotificationInput, o?: CallOptions) =>
        request<SendNotificationResult>('POST', '/v1/notifications', { body: input, signal: o?.signal }),
      /**
       * Calls off what a trigger started and has not done yet (waiting workflow steps, a sendAt not
       * reached, deliveries waiting for quiet hours), by its `cancelKey` or your own `idempotencyKey`.
       */
      cancelRuns: (by: CancelRunsInput, o?: CallOptions) =>
        request<CancelRunsResult>('DELETE', '/v1/notifications/runs', { query: by, signal: o?.signal }),
      /** A sent notification with its deliveries and every attempt. */
      get: (notificationId: string, o?: CallOptions) =>
        request<NotificationDetail>('GET', `/v1/notifications/${id(notificationId)}`, { signal: o?.signal }),
    },

    /**
     * Payments. A customer creates and sees their own; an admin (or an API key with payments:*)
     * names the customer and sees all. Send the payer to `nextAction.url`; the gateway sends them
     * back to `returnUrl` with `?payment_id=`: read the payment there, never trust the query.
     */
    payments: {
      /** 201, also for a retry with the same `idempotencyKey` (the same payment comes back, header idempotent-replayed). */
      create: (input: CreatePaymentInput, o?: IdempotentCallOptions) =>
        request<Payment>('POST', '/v1/payments', { body: input, signal: o?.signal, headers: idempotencyHeader(o) }),
      /** Newest first. */
      list: (query: PaymentQuery = {}, o?: CallOptions) => request<PaymentPage>('GET', '/v1/payments', { query, signal: o?.signal }),
      get: (paymentId: string, o?: CallOptions) => request<PaymentDetail>('GET', `/v1/payments/${id(paymentId)}`, { signal: o?.signal }),
      /** The enabled gateways with their currencies, and whether IRR is shown as toman or rial. */
      options: (o?: CallOptions) => request<PaymentOptions>('GET', '/v1/payments/options', { signal: o?.signal }),
      /** Only while unpaid: a payment the gateway reports paid is settled instead and the cancel refused (409). */
      cancel: (paymentId: string, o?: CallOptions) =>
        request<Payment>('POST', `/v1/payments/${id(paymentId)}/cancel`, { signal: o?.signal }),
      /**
       * Only while unpaid: pay it at another enabled gateway (the wallet, say, for a payment the host
       * routed to a card gateway). The open attempt is closed where its gateway can; send the payer
       * to the answer's `nextAction.url`. 409 payment_not_open once it is paid (or canceled, expired).
       */
      switchGateway: (paymentId: string, gateway: PaymentGatewayName, o?: CallOptions) =>
        request<Payment>('POST', `/v1/payments/${id(paymentId)}/gateway`, { body: { gateway }, signal: o?.signal }),
      /** `amount` left out refunds what is left. An admin's refund goes at once; an API key's may wait for approval. */
      refund: (paymentId: string, input: RefundInput, o?: IdempotentCallOptions) =>
        request<Refund>('POST', `/v1/payments/${id(paymentId)}/refunds`, { body: input, signal: o?.signal, headers: idempotencyHeader(o) }),
    },

    /** The signed-in user's wallet: balances per currency (available and held), history, statement. Top up with a wallet_topup payment. */
    wallet: {
      get: (o?: CallOptions) => request<Wallet>('GET', '/v1/me/wallet', { signal: o?.signal }),
      /** Held, then moved to the merchant; 409 insufficient_funds (nothing written) when the wallet cannot cover it. */
      pay: (input: WalletPaymentInput, o?: IdempotentCallOptions) =>
        request<WalletPaymentResult>('POST', '/v1/wallet/payments', { body: input, signal: o?.signal, headers: idempotencyHeader(o) }),
      /** To a Caravan id, `{externalId}` or `{email}`, within the currency's limits (422 wallet_limit_exceeded). */
      transfer: (input: WalletTransferInput, o?: IdempotentCallOptions) =>
        request<WalletTransferResult>('POST', '/v1/wallet/transfers', { body: input, signal: o?.signal, headers: idempotencyHeader(o) }),
      /** The amount is held until an admin approves or rejects the request. */
      withdraw: (input: WithdrawalInput, o?: IdempotentCallOptions) =>
        request<Withdrawal>('POST', '/v1/wallet/withdrawals', { body: input, signal: o?.signal, headers: idempotencyHeader(o) }),
      withdrawals: (query: WithdrawalQuery = {}, o?: CallOptions) =>
        request<WithdrawalPage>('GET', '/v1/me/wallet/withdrawals', { query, signal: o?.signal }),
      /** Newest first, each with the balance after it. */
      transactions: (query: WalletTransactionQuery = {}, o?: CallOptions) =>
        request<WalletTransactionPage>('GET', '/v1/me/wallet/transactions', { query, signal: o?.signal }),
      /** One currency over a range, oldest first, as CSV text. */
      statement: (query: WalletStatementQuery, o?: CallOptions) =>
        request<string>('GET', '/v1/me/wallet/statement', { query, signal: o?.signal, text: true }),
      /** A payment made with `gateway: "wallet"`, waiting on its pay page (/wallet/pay/<attemptId>). */
      checkout: (attemptId: string, o?: CallOptions) =>
        request<WalletCheckout>('GET', `/v1/wallet/checkout/${id(attemptId)}`, { signal: o?.signal }),
      /** Pays it from the wallet, once per attempt; then send the payer to `redirectUrl`. */
      payCheckout: (attemptId: string, o?: IdempotentCallOptions) =>
        request<WalletCheckoutResult>('POST', `/v1/wallet/checkout/${id(attemptId)}`, { signal: o?.signal, headers: idempotencyHeader(o) }),
    },

    /**
     * The support desk. Customers open and read their own tickets (public entries only); agents
     * (and API keys with support:*) see every ticket with internal notes, SLA clocks and the desk's
     * fields. Live changes arrive on the socket: ticket.* for the requester, support.* for agents.
     */
    support: {
      create: (input: CreateTicketInput, o?: CallOptions) =>
        request<TicketDetail>('POST', '/v1/tickets', { body: input, signal: o?.signal }),
      /** Newest first; agents filter by view (mine, unassigned, all, sla_at_risk), status, priority, tag, team, requester. */
      list: (query: TicketQuery = {}, o?: CallOptions) => request<TicketPage>('GET', '/v1/tickets', { query, signal: o?.signal }),
      get: (ticketId: string, o?: CallOptions) => request<TicketDetail>('GET', `/v1/tickets/${id(ticketId)}`, { signal: o?.signal }),
      /** A public reply; an agent may set the status with it (e.g. pending). A customer's reply reopens a solved ticket. */
      reply: (ticketId: string, input: TicketReplyInput, o?: CallOptions) =>
        request<TicketDetail>('POST', `/v1/tickets/${id(ticketId)}/replies`, { body: input, signal: o?.signal }),
      /** An internal note: agents only, never shown to the customer. */
      note: (ticketId: string, input: TicketNoteInput, o?: CallOptions) =>
        request<TicketDetail>('POST', `/v1/tickets/${id(ticketId)}/notes`, { body: input, signal: o?.signal }),
      update: (ticketId: string, input: UpdateTicketInput, o?: CallOptions) =>
        request<TicketDetail>('PATCH', `/v1/tickets/${id(ticketId)}`, { body: input, signal: o?.signal }),
      /** Merges `source` (id or number) into `ticketId`: timelines joined, the source closed as merged. */
      merge: (ticketId: string, source: string | number, o?: CallOptions) =>
        request<TicketDetail>('POST', `/v1/tickets/${id(ticketId)}/merge`, { body: { sourceTicketId: source }, signal: o?.signal }),
      /** The requester rates a solved ticket 1–5, once. */
      rate: (ticketId: string, input: CsatInput, o?: CallOptions) =>
        request<TicketDetail>('POST', `/v1/tickets/${id(ticketId)}/csat`, { body: input, signal: o?.signal }),
      applyMacro: (ticketId: string, macroId: string, o?: CallOptions) =>
        request<TicketDetail>('POST', `/v1/tickets/${id(ticketId)}/macros/${id(macroId)}`, { signal: o?.signal }),
      /** Whether an agent is available now. */
      status: (o?: CallOptions) => request<{ online: boolean }>('GET', '/v1/support/status', { signal: o?.signal }),
      /** Agents: my status (online, away, offline) and capacity. */
      setPresence: (input: { status: AgentStatus; capacity?: number }, o?: CallOptions) =>
        request<SupportAgent>('PUT', '/v1/support/presence', { body: input, signal: o?.signal }),
      agents: async (o?: CallOptions) =>
        (await request<{ items: SupportAgent[] }>('GET', '/v1/support/agents', { signal: o?.signal })).items,
      setCapacity: (userId: string, capacity: number, o?: CallOptions) =>
        request<SupportAgent>('PUT', `/v1/support/agents/${id(userId)}/capacity`, { body: { capacity }, signal: o?.signal }),
      teams: async (o?: CallOptions) => (await request<{ items: SupportTeam[] }>('GET', '/v1/support/teams', { signal: o?.signal })).items,
      createTeam: (input: CreateSupportTeamInput, o?: CallOptions) =>
        request<SupportTeam>('POST', '/v1/support/teams', { body: input, signal: o?.signal }),
      updateTeam: (teamId: string, input: UpdateSupportTeamInput, o?: CallOptions) =>
        request<SupportTeam>('PATCH', `/v1/support/teams/${id(teamId)}`, { body: input, signal: o?.signal }),
      /** By shortcut or title; a leading "/" is ignored. */
      cannedResponses: async (query: { q?: string; limit?: number } = {}, o?: CallOptions) =>
        (await request<{ items: CannedResponse[] }>('GET', '/v1/support/canned-responses', { query, signal: o?.signal })).items,
      createCannedResponse: (input: CannedResponseInput, o?: CallOptions) =>
        request<CannedResponse>('POST', '/v1/support/canned-responses', { body: input, signal: o?.signal }),
      updateCannedResponse: (cannedId: string, input: Partial<CannedResponseInput>, o?: CallOptions) =>
        request<CannedResponse>('PATCH', `/v1/support/canned-responses/${id(cannedId)}`, { body: input, signal: o?.signal }),
      deleteCannedResponse: (cannedId: string, o?: CallOptions) =>
        request<void>('DELETE', `/v1/support/canned-responses/${id(cannedId)}`, { signal: o?.signal }),
      /** The response's text with its placeholders filled for this ticket. */
      renderCannedResponse: async (cannedId: string, ticketId: string, o?: CallOptions) =>
        (
          await request<{ text: string }>('POST', `/v1/support/canned-responses/${id(cannedId)}/render`, {
            body: { ticketId },
            signal: o?.signal,
          })
        ).text,
      macros: async (o?: CallOptions) => (await request<{ items: Macro[] }>('GET', '/v1/support/macros', { signal: o?.signal })).items,
      createMacro: (input: MacroInput, o?: CallOptions) => request<Macro>('POST', '/v1/support/macros', { body: input, signal: o?.signal }),
      updateMacro: (macroId: string, input: Partial<MacroInput>, o?: CallOptions) =>
        request<Macro>('PATCH', `/v1/support/macros/${id(macroId)}`, { body: input, signal: o?.signal }),
      deleteMacro: (macroId: string, o?: CallOptions) =>
        request<void>('DELETE', `/v1/support/macros/${id(macroId)}`, { signal: o?.signal }),
      settings: (o?: CallOptions) => request<SupportSettings>('GET', '/v1/admin/support/settings', { signal: o?.signal }),
      updateSettings: (input: UpdateSupportSettingsInput, o?: CallOptions) =>
        request<SupportSettings>('PATCH', '/v1/admin/support/settings', { body: input, signal: o?.signal }),
      analytics: (query: SupportAnalyticsQuery, o?: CallOptions) =>
        request<SupportAnalytics>('GET', '/v1/support/analytics', { query, signal: o?.signal }),
      /** The same figures as CSV text (a header row, a row per group, then the total). */
      exportAnalytics: (query: SupportAnalyticsQuery, o?: CallOptions) =>
        request<string>('GET', '/v1/support/analytics/export', { query, signal: o?.signal, text: true }),
      /** Where the live chat widget may run (admins). The identity secret is only in create's and rotateSecret's answers. */
      sites: {
        list: async (o?: CallOptions) => (await request<{ items: WidgetSite[] }>('GET', '/v1/support/sites', { signal: o?.signal })).items,
        create: (input: CreateWidgetSiteInput, o?: CallOptions) =>
          request<CreatedWidgetSite>('POST', '/v1/support/sites', { body: input, signal: o?.signal }),
        update: (siteId: string, patch: UpdateWidgetSiteInput, o?: CallOptions) =>
          request<WidgetSite>('PATCH', `/v1/support/sites/${id(siteId)}`, { body: patch, signal: o?.signal }),
        /** Its widget stops working at once; its conversations stay. */
        remove: (siteId: string, o?: CallOptions) => request<void>('DELETE', `/v1/support/sites/${id(siteId)}`, { signal: o?.signal }),
        /** A new identity secret; the old one stops working at once. */
        rotateSecret: (siteId: string, o?: CallOptions) =>
          request<RotatedWidgetSiteSecret>('POST', `/v1/support/sites/${id(siteId)}/secret`, { signal: o?.signal }),
      },
      /** Live chat conversations from the widget (agents); they are answered in the chat view, where `id` opens them. */
      conversations: {
        /** Newest first. */
        list: (query: SupportConversationQuery = {}, o?: CallOptions) =>
          request<SupportConversationPage>('GET', '/v1/support/conversations', { query, signal: o?.signal }),
        /** A ticket of the visitor keeping every message; the conversation closes. A second escalation is a 409. */
        escalate: (conversationId: string, input: EscalateConversationInput = {}, o?: CallOptions) =>
          request<TicketDetail>('POST', `/v1/support/conversations/${id(conversationId)}/escalate`, { body: input, signal: o?.signal }),
        close: (conversationId: string, o?: CallOptions) =>
          request<SupportConversation>('POST', `/v1/support/conversations/${id(conversationId)}/close`, { signal: o?.signal }),
        /** Become a member, to answer it in the chat view (agents outside the site's team, admins). */
        join: (conversationId: string, o?: CallOptions) =>
          request<SupportConversation>('POST', `/v1/support/conversations/${id(conversationId)}/join`, { signal: o?.signal }),
      },
    },

    /** Conversations and messages over REST (live events and sending over the socket: see realtime). */
    chat: {
      /** A direct conversation (one per pair: the existing one comes back) or a group (`name` required). */
      create: (input: CreateConversationInput, o?: CallOptions) =>
        request<Conversation>('POST', '/v1/conversations', { body: input, signal: o?.signal }),
      /** Most recent activity first, each with its last message and my unread count. */
      list: (query: { cursor?: string; limit?: number } = {}, o?: CallOptions) =>
        request<ConversationPage>('GET', '/v1/conversations', { query, signal: o?.signal }),
      get: (conversationId: string, o?: CallOptions) =>
        request<Conversation>('GET', `/v1/conversations/${id(conversationId)}`, { signal: o?.signal }),
      rename: (conversationId: string, name: string, o?: CallOptions) =>
        request<Conversation>('PATCH', `/v1/conversations/${id(conversationId)}`, { body: { name }, signal: o?.signal }),
      addMembers: (conversationId: string, memberIds: UserRef[], o?: CallOptions) =>
        request<Conversation>('POST', `/v1/conversations/${id(conversationId)}/members`, { body: { memberIds }, signal: o?.signal }),
      removeMembers: (conversationId: string, memberIds: UserRef[], o?: CallOptions) =>
        request<void>('POST', `/v1/conversations/${id(conversationId)}/members/remove`, { body: { memberIds }, signal: o?.signal }),
      setRole: (conversationId: string, userId: string, role: 'admin' | 'member', o?: CallOptions) =>
        request<Conversation>('PUT', `/v1/conversations/${id(conversationId)}/members/${id(userId)}/role`, {
          body: { role },
          signal: o?.signal,
        }),
      leave: (conversationId: string, o?: CallOptions) =>
        request<void>('POST', `/v1/conversations/${id(conversationId)}/leave`, { signal: o?.signal }),
      markRead: (conversationId: string, seq: number, o?: CallOptions) =>
        request<{ lastReadSeq: number; lastDeliveredSeq: number }>('POST', `/v1/conversations/${id(conversationId)}/read`, {
          body: { seq },
          signal: o?.signal,
        }),
      /** The same `clientMessageId` sent again returns the first message, never a copy. */
      send: (conversationId: string, input: SendMessageInput, o?: CallOptions) =>
        request<ChatMessage>('POST', `/v1/conversations/${id(conversationId)}/messages`, { body: input, signal: o?.signal }),
      /** `{ after: seq }` resyncs (oldest first); `{ before: seq }` pages back through history. */
      messages: (conversationId: string, query: MessagesQuery = {}, o?: CallOptions) =>
        request<MessagesPage>('GET', `/v1/conversations/${id(conversationId)}/messages`, { query, signal: o?.signal }),
      edit: (conversationId: string, messageId: string, text: string, o?: CallOptions) =>
        request<ChatMessage>('PATCH', `/v1/conversations/${id(conversationId)}/messages/${id(messageId)}`, {
          body: { text },
          signal: o?.signal,
        }),
      edits: async (conversationId: string, messageId: string, o?: CallOptions): Promise<MessageEdit[]> =>
        (
          await request<{ items: MessageEdit[] }>('GET', `/v1/conversations/${id(conversationId)}/messages/${id(messageId)}/edits`, {
            signal: o?.signal,
          })
        ).items,
      remove: (conversationId: string, messageId: string, o?: CallOptions) =>
        request<void>('DELETE', `/v1/conversations/${id(conversationId)}/messages/${id(messageId)}`, { signal: o?.signal }),
      react: (conversationId: string, messageId: string, emoji: string, o?: CallOptions) =>
        request<ChatMessage>('PUT', `/v1/conversations/${id(conversationId)}/messages/${id(messageId)}/reactions/${id(emoji)}`, {
          signal: o?.signal,
        }),
      unreact: (conversationId: string, messageId: string, emoji: string, o?: CallOptions) =>
        request<ChatMessage>('DELETE', `/v1/conversations/${id(conversationId)}/messages/${id(messageId)}/reactions/${id(emoji)}`, {
          signal: o?.signal,
        }),
      report: (conversationId: string, messageId: string, reason: string, o?: CallOptions) =>
        request<{ id: string }>('POST', `/v1/conversations/${id(conversationId)}/messages/${id(messageId)}/report`, {
          body: { reason },
          signal: o?.signal,
        }),
      search: (query: ChatSearchQuery, o?: CallOptions) => request<ChatSearchPage>('GET', '/v1/chat/search', { query, signal: o?.signal }),
      blocks: async (o?: CallOptions) =>
        (await request<{ items: { userId: string; createdAt: string }[] }>('GET', '/v1/me/blocks', { signal: o?.signal })).items,
      block: (userId: UserRef, o?: CallOptions) =>
        request<{ userId: string }>('POST', '/v1/me/blocks', { body: { userId }, signal: o?.signal }),
      unblock: (userId: string, o?: CallOptions) => request<void>('DELETE', `/v1/me/blocks/${id(userId)}`, { signal: o?.signal }),
      /** Uploads a file for a message (sent with `attachmentIds`); scanned before anyone can download it. */
      upload: (file: Blob, filename: string, o?: CallOptions) => {
        const form = new FormData()
        form.append('file', file, filename)
        return request<FileView>('POST', '/v1/uploads', { body: form, signal: o?.signal })
      },
      /** A file with fresh short-lived download links (members of its conversation, or its uploader). */
      file: (fileId: string, o?: CallOptions) => request<FileView>('GET', `/v1/files/${id(fileId)}`, { signal: o?.signal }),
    },
    /** Topics a notification can be sent to (admin or an API key with `notifications:send`). */
    topics: {
      list: async (o?: CallOptions): Promise<Topic[]> =>
        (await request<ResponseOf<'listTopics'>>('GET', '/v1/topics', { signal: o?.signal })).items,
      /** Private unless `visibility: 'public'`: users follow public topics themselves. */
      create: (input: CreateTopicInput, o?: CallOptions) => request<Topic>('POST', '/v1/topics', { body: input, signal: o?.signal }),
      /** Renames it or changes its visibility; subscriptions stay. */
      update: (topicKey: string, patch: UpdateTopicInput, o?: CallOptions) =>
        request<Topic>('PATCH', `/v1/topics/${id(topicKey)}`, { body: patch, signal: o?.signal }),
      /** Users by Caravan id or `{ externalId }`; every one must exist. */
      subscribe: (topicKey: string, users: UserRef[], o?: CallOptions) =>
        request<void>('POST', `/v1/topics/${id(topicKey)}/subscribers`, { body: { users }, signal: o?.signal }),
      unsubscribe: (topicKey: string, users: UserRef[], o?: CallOptions) =>
        request<void>('DELETE', `/v1/topics/${id(topicKey)}/subscribers`, { body: { users }, signal: o?.signal }),
    },

    /** Development helpers (admin). */
    dev: {
      /** What the built-in dev outbox "sent" (email, SMS, push) while no real provider is configured; newest first. */
      outbox: (query: OutboxQuery = {}, o?: CallOptions) => request<OutboxPage>('GET', '/v1/dev/outbox', { query, signal: o?.signal }),
    },

    /** Opens the realtime socket (see realtime.ts). */
    realtime: (realtimeOptions?: RealtimeOptions): CaravanRealtime => connectRealtime(client, realtimeOptions),
  }
  return client
}

export type CaravanClient = ReturnType<typeof createCaravanClient>
