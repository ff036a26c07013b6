// Names for the shapes of the API, all derived from the generated OpenAPI types (schema.d.ts),
// so a server change shows up here as a type error after `npm run generate`.
import type { components, operations } from './schema.js'

type Schemas = components['schemas']
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined

/** The JSON body an operation accepts. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : never
/** The query parameters an operation accepts. */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>
/** The JSON body of an operation's success answer (undefined for 204). */
export type ResponseOf<Op extends keyof operations> = operations[Op]['responses'] extends infer R
  ? 200 extends keyof R
    ? JsonOf<R[200]>
    : 201 extends keyof R
      ? JsonOf<R[201]>
      : 202 extends keyof R
        ? JsonOf<R[202]>
        : undefined
  : never

export type Problem = Schemas['Problem']
export type User = Schemas['User']
export type Role = User['role']
export type Locale = User['locale']
export type ApiKey = Schemas['ApiKey']
export type Device = Schemas['Device']
export type SessionResponse = Schemas['Session']

export type RegisterInput = RequestBody<'register'>
export type LoginInput = RequestBody<'login'>
export type UpdateMeInput = RequestBody<'updateMe'>
export type RegisterDeviceInput = RequestBody<'registerDevice'>
export type CreateApiKeyInput = RequestBody<'createApiKey'>
export type CreatedApiKey = ResponseOf<'createApiKey'>
export type ListUsersQuery = QueryOf<'listUsers'>
export type UserPage = ResponseOf<'listUsers'>
export type AuditQuery = QueryOf<'listAuditLog'>
export type AuditPage = ResponseOf<'listAuditLog'>
export type AuditEntry = AuditPage['items'][number]
export type AuditVerification = ResponseOf<'verifyAuditLog'>
export type DeadJob = ResponseOf<'listDeadJobs'>['items'][number]

// ---- the host product's users ----
/** A host product's user as its server sees it: the user with its `attributes`. */
export type ExternalUser = Schemas['ExternalUser']
/** Fields the host sets on its user: omitted ones stay, null clears one, `attributes` is replaced whole. */
export type ExternalUserInput = RequestBody<'upsertExternalUser'>
/** One user of a batch upsert: its `externalId` and its fields. */
export type ExternalUserItem = RequestBody<'batchUpsertExternalUsers'>['users'][number]
export type BatchUpsertResult = ResponseOf<'batchUpsertExternalUsers'>
/** A user anywhere the API takes one: the Caravan id or `{ externalId }`. */
export type UserRef = RequestBody<'addTopicSubscribers'>['users'][number]
/** Everything Caravan holds about a user, one part per module. */
export type UserExport = ResponseOf<'exportUser'>
export type IdentitySecret = Schemas['IdentitySecret']
export type RotatedIdentitySecret = ResponseOf<'rotateIdentitySecret'>

// ---- notifications ----
export type NotificationChannel = Schemas['NotificationType']['channels'][number]
export type NotificationCategory = Schemas['NotificationType']['category']
export type DeliveryStatus = Schemas['Delivery']['status']
export type InboxItem = Schemas['InboxItem']
export type InboxQuery = QueryOf<'listMyNotifications'>
export type InboxPage = ResponseOf<'listMyNotifications'>
export type NotificationPreferences = Schemas['NotificationPreferences']
/** GET/PUT /v1/me/notification-preferences: the preferences, the profile's time zone (quiet hours are in it), and the categories that are always sent. */
export type NotificationPreferencesView = ResponseOf<'getNotificationPreferences'>
/** A topic I am subscribed to; a `private` one the host put me in, and only the host takes me out. */
export type MyTopic = ResponseOf<'listMyTopics'>['items'][number]
/** A public topic I may follow, with whether I do. */
export type AvailableTopic = ResponseOf<'listAvailableTopics'>['items'][number]
export type AvailableTopicPage = ResponseOf<'listAvailableTopics'>
export type AvailableTopicQuery = QueryOf<'listAvailableTopics'>
/** A topic as the host manages it (API key or admin): users follow `public` ones themselves; `private` is the default. */
export type Topic = ResponseOf<'listTopics'>['items'][number]
export type TopicVisibility = Topic['visibility']
export type CreateTopicInput = RequestBody<'createTopic'>
export type UpdateTopicInput = RequestBody<'updateTopic'>

export type SendNotificationInput = RequestBody<'sendNotification'>
export type SendNotificationResult = ResponseOf<'sendNotification'>
export type NotificationDetail = ResponseOf<'getNotification'>
export type DeliveryAttempt = NotificationDetail['deliveries'][number]['attemptLog'][number]
export type Delivery = Schemas['Delivery']
export type DeliveryQuery = QueryOf<'listDeliveries'>
export type DeliveryPage = ResponseOf<'listDeliveries'>

export type NotificationType = Schemas['NotificationType']
export type CreateNotificationTypeInput = RequestBody<'createNotificationType'>
export type UpdateNotificationTypeInput = RequestBody<'updateNotificationType'>
/**
 * A template's fields: email {subject, html, text} · sms {text} · push {title, body, data?} ·
 * in_app {title, body, actionUrl?}. `data` (push) is an object of strings; every other field a
 * Liquid template string.
 */
export type TemplateContent = RequestBody<'saveTemplate'>['content']
/** One saved version of a template (the server's schema leaves `content` open; it is TemplateContent). */
export type NotificationTemplate = Omit<Schemas['NotificationTemplate'], 'content'> & { content: TemplateContent }
export type NotificationTypeDetail = { type: NotificationType; templates: NotificationTemplate[] }
export type PreviewTemplateInput = RequestBody<'previewTemplate'>
/** A rendered template: the same fields as its content, rendered (email `html` inside the email layout). */
export type TemplatePreview = Omit<ResponseOf<'previewTemplate'>, 'rendered'> & { rendered: TemplateContent }

/** One step of a type's workflow: channel, delay, digest or throttle, each with optional conditions (`if`). */
export type WorkflowStep = Schemas['WorkflowStep']
export type WorkflowCondition = NonNullable<WorkflowStep['if']>[number]
/** A type's workflow; version 0 with no steps: the type sends on all its channels at once. */
export type NotificationWorkflow = Schemas['NotificationWorkflow']
export type PreviewWorkflowInput = RequestBody<'previewNotificationWorkflow'>
export type WorkflowPreview = ResponseOf<'previewNotificationWorkflow'>
/** One recipient's way through a workflow: its status, next step, when it wakes, and the log of steps taken. */
export type NotificationRun = Schemas['NotificationRun']
export type NotificationRunQuery = QueryOf<'listNotificationRuns'>
export type NotificationRunPage = ResponseOf<'listNotificationRuns'>
/** By `cancelKey` (anyone allowed to send) or your own trigger's `idempotencyKey`: one of the two. */
export type CancelRunsInput = { cancelKey: string } | { idempotencyKey: string }
export type CancelRunsResult = ResponseOf<'cancelNotificationRuns'>

export type NotificationProvider = Schemas['NotificationProvider']
export type AvailableProvider = ResponseOf<'listNotificationProviders'>['available'][number]
export type NotificationProviderList = ResponseOf<'listNotificationProviders'>
export type CreateNotificationProviderInput = RequestBody<'createNotificationProvider'>
export type UpdateNotificationProviderInput = RequestBody<'updateNotificationProvider'>

type SettingsBody = RequestBody<'updateNotificationSettings'>
/** Max messages per user per hour, by category ('*' = any category) and channel. */
export type NotificationRateLimits = NonNullable<SettingsBody['rateLimits']>
export type NotificationContentRules = NonNullable<SettingsBody['contentRules']>
/** How templates format values: `irr` is how `money: "IRR"` reads (toman or rial). */
export type NotificationFormats = NonNullable<SettingsBody['formats']>
/** The GET answer (the server's schema leaves the first two open; these are their shapes). */
export type NotificationSettings = {
  rateLimits: NotificationRateLimits
  contentRules: NotificationContentRules
  formats: NotificationFormats
}
export type UpdateNotificationSettingsInput = SettingsBody

export type OutboxQuery = QueryOf<'listDevOutbox'>
export interface OutboxEmailPayload {
  from: string
  subject: string
  html: string
  text: string
  locale?: string
}
export interface OutboxSmsPayload {
  text: string
}
export interface OutboxPushPayload {
  title: string
  body: string
  data?: Record<string, string>
}
type OutboxRow = ResponseOf<'listDevOutbox'>['items'][number]
/** What the dev outbox "sent"; `payload` depends on the channel. */
export type OutboxItem = Omit<OutboxRow, 'channel' | 'payload'> &
  (
    | { channel: 'email'; payload: OutboxEmailPayload }
    | { channel: 'sms'; payload: OutboxSmsPayload }
    | { channel: 'push'; payload: OutboxPushPayload }
  )
export type OutboxPage = { items: OutboxItem[]; nextCursor: string | null }

// ---- payments ----
/** Amounts are strings of digits in minor units of `currency` (IRR 0 decimals, USD/EUR 2, BTC 8, ETH 18). */
export type Payment = Schemas['Payment']
export type PaymentStatus = Payment['status']
export type Currency = Payment['currency']
export type PaymentGatewayName = Schemas['PaymentGateway']['name']
export type PaymentAttempt = Schemas['PaymentAttempt']
export type PaymentAttemptStatus = PaymentAttempt['status']
export type Refund = Schemas['Refund']
export type Wallet = Schemas['Wallet']
export type WalletBalance = Schemas['WalletBalance']
export type WalletHold = Schemas['WalletHold']
export type WalletTransaction = Schemas['WalletTransaction']
export type WalletTransactionPage = ResponseOf<'listMyWalletTransactions'>
export type WalletTransactionQuery = QueryOf<'listMyWalletTransactions'>
export type WalletStatementQuery = QueryOf<'exportMyWalletStatement'>
export type WalletAdjustmentInput = RequestBody<'adjustWallet'>
export type WalletAdjustment = ResponseOf<'adjustWallet'>
export type LedgerCheck = Schemas['LedgerCheck']
/** The ledger explorer (admins): an account with its counters, its postings, a transfer with both postings. */
export type LedgerAccount = Schemas['LedgerAccount']
export type LedgerAccountQuery = QueryOf<'listLedgerAccounts'>
export type LedgerAccountPage = ResponseOf<'listLedgerAccounts'>
export type LedgerPosting = Schemas['LedgerPosting']
export type LedgerPostingQuery = QueryOf<'listLedgerPostings'>
export type LedgerPostingPage = ResponseOf<'listLedgerPostings'>
export type LedgerTransfer = Schemas['LedgerTransfer']
export type WalletPayment = Schemas['WalletPayment']
export type WalletPaymentInput = RequestBody<'payFromWallet'>
export type WalletPaymentResult = ResponseOf<'payFromWallet'>
export type WalletTransferInput = RequestBody<'transferFromWallet'>
export type WalletTransferResult = ResponseOf<'transferFromWallet'>
export type WalletCheckout = ResponseOf<'getWalletCheckout'>
export type WalletCheckoutResult = ResponseOf<'payWalletCheckout'>
export type WalletSettings = Schemas['WalletSettings']
export type UpdateWalletSettingsInput = RequestBody<'updateWalletSettings'>
export type Withdrawal = Schemas['WalletWithdrawal']
export type WithdrawalStatus = Withdrawal['status']
export type WithdrawalInput = RequestBody<'requestWithdrawal'>
export type WithdrawalPage = ResponseOf<'listMyWithdrawals'>
export type WithdrawalQuery = QueryOf<'listMyWithdrawals'>
/** Fraud checks (admins): the rules document, assessments, the review queue and the blocklist. */
export type FraudRules = Schemas['FraudRules']
export type FraudRulesDocument = Schemas['FraudRulesDocument']
export type UpdateFraudRulesInput = RequestBody<'updateFraudRules'>
export type FraudAssessment = Schemas['FraudAssessment']
export type FraudAssessmentPage = ResponseOf<'listFraudAssessments'>
export type FraudAssessmentQuery = QueryOf<'listFraudAssessments'>
export type FraudReviewQuery = QueryOf<'listFraudReviews'>
export type ApproveFraudReviewInput = RequestBody<'approveFraudReview'>
export type RejectFraudReviewInput = RequestBody<'rejectFraudReview'>
export type FraudBlocklistEntry = Schemas['FraudBlocklistEntry']
export type FraudBlocklistInput = RequestBody<'addFraudBlocklistEntry'>
export type FraudBlocklistPage = ResponseOf<'listFraudBlocklist'>
export type FraudBlocklistQuery = QueryOf<'listFraudBlocklist'>
export type RefundStatus = Refund['status']
/** A payment with every attempt at a gateway (oldest first: the route it took) and its refunds. */
export type PaymentDetail = Schemas['PaymentDetail']
export type CreatePaymentInput = RequestBody<'createPayment'>
export type PaymentQuery = QueryOf<'listPayments'>
export type PaymentPage = ResponseOf<'listPayments'>
export type RefundInput = RequestBody<'refundPayment'>
export type RefundReason = RefundInput['reason']
export type RefundQuery = QueryOf<'listRefunds'>
export type RefundPage = ResponseOf<'listRefunds'>
/** A gateway as admins see it: whether it is on, its settings (secrets as "••••••"), the currencies it takes, its circuit. */
export type PaymentGateway = Schemas['PaymentGateway']
/** A field of a gateway's settings form (secrets are `kind: secret`). */
export type PaymentGatewayField = PaymentGateway['fields'][number]
/** What a payer can pay with now, and how IRR is shown (toman or rial). */
export type PaymentOptions = Schemas['PaymentOptions']
/** Payment analytics (admins): figures per currency of the payments created over a range, in total and by day, gateway or currency. */
export type PaymentAnalytics = Schemas['PaymentAnalytics']
export type PaymentAnalyticsFigures = Schemas['PaymentAnalyticsFigures']
export type PaymentAnalyticsQuery = QueryOf<'getPaymentAnalytics'>
export type ConfigurePaymentGatewayInput = RequestBody<'configurePaymentGateway'>
/** Routing rules (first match wins), how long an unpaid payment stays open, refund policies. */
export type PaymentSettings = ResponseOf<'getPaymentSettings'>
export type PaymentRoutingRule = PaymentSettings['routing'][number]
export type RefundPolicy = PaymentSettings['refundPolicies'][number]
export type UpdatePaymentSettingsInput = RequestBody<'updatePaymentSettings'>

// ---- chat ----
export type Conversation = Schemas['ChatConversation']
export type ConversationMember = Schemas['ChatMember']
export type ChatMessage = Schemas['ChatMessage']
export type ConversationPage = ResponseOf<'listConversations'>
export type CreateConversationInput = RequestBody<'createConversation'>
export type SendMessageInput = RequestBody<'sendMessage'>
export type MessagesQuery = QueryOf<'listMessages'>
export type MessagesPage = ResponseOf<'listMessages'>
export type MessageEdit = ResponseOf<'listMessageEdits'>['items'][number]
export type ChatSearchQuery = QueryOf<'searchMessages'>
export type ChatSearchPage = ResponseOf<'searchMessages'>
export type ChatReportPage = ResponseOf<'listChatReports'>
export type ChatReportQuery = QueryOf<'listChatReports'>
export type ChatSettings = ResponseOf<'getChatSettings'>
export type UpdateChatSettingsInput = RequestBody<'updateChatSettings'>
export type FileView = Schemas['FileView']

// ---- support ----
/** A ticket; agents also get assignee, teamId, tags, sla and the business-minute figures. */
export type Ticket = Schemas['TicketView']
export type TicketStatus = Ticket['status']
export type TicketPriority = Ticket['priority']
/** A timeline entry: a reply, an internal note (agents only) or a change of a field. */
export type TicketEvent = Schemas['TicketEventView']
export type TicketDetail = Schemas['TicketDetail']
export type SlaClock = NonNullable<Ticket['sla']>[number]
export type CreateTicketInput = RequestBody<'createTicket'>
export type TicketReplyInput = RequestBody<'replyToTicket'>
export type TicketNoteInput = RequestBody<'addTicketNote'>
export type UpdateTicketInput = RequestBody<'updateTicket'>
export type TicketQuery = QueryOf<'listTickets'>
export type TicketPage = ResponseOf<'listTickets'>
export type CsatInput = RequestBody<'rateTicket'>
export type SupportTeam = Schemas['TeamView']
export type BusinessSchedule = SupportTeam['schedule']
export type CreateSupportTeamInput = RequestBody<'createSupportTeam'>
export type UpdateSupportTeamInput = RequestBody<'updateSupportTeam'>
export type SupportAgent = Schemas['AgentView']
export type AgentStatus = SupportAgent['status']
export type CannedResponse = Schemas['CannedResponseView']
export type CannedResponseInput = RequestBody<'createCannedResponse'>
export type Macro = Schemas['MacroView']
export type MacroInput = RequestBody<'createMacro'>
export type SupportSettings = Schemas['SupportSettings']
export type UpdateSupportSettingsInput = RequestBody<'updateSupportSettings'>
export type SupportAnalyticsQuery = QueryOf<'getSupportAnalytics'>
export type SupportAnalytics = Schemas['SupportAnalytics']

// ---- live chat widget (docs/support-widget.md) ----
/** A place the widget may run: its public token (in `snippet`), the exact origins allowed to use it, its team and language. */
export type WidgetSite = Schemas['SupportSite']
export type CreateWidgetSiteInput = RequestBody<'createWidgetSite'>
export type UpdateWidgetSiteInput = RequestBody<'updateWidgetSite'>
/** The new site and its identity secret: the secret is in this answer only. */
export type CreatedWidgetSite = ResponseOf<'createWidgetSite'>
/** A rotated identity secret, shown once; the old one stops working at once. */
export type RotatedWidgetSiteSecret = ResponseOf<'rotateWidgetSiteSecret'>
/** A live chat conversation as agents list it; `id` is the chat conversation's (open it in the chat view). */
export type SupportConversation = Schemas['SupportConversation']
export type SupportConversationStatus = SupportConversation['status']
export type SupportConversationQuery = QueryOf<'listSupportConversations'>
export type SupportConversationPage = ResponseOf<'listSupportConversations'>
export type EscalateConversationInput = RequestBody<'escalateSupportConversation'>

/** Events the server pushes to a user's sockets (room user:<id>). */
export interface RealtimeEvents {
  'user.updated': { userId: string }
  'user.role_changed': { userId: string; from: Role; to: Role }
  /**
   * A new in-app inbox item, with the unread count after it. Counts may arrive out of order:
   * `unreadSeq` (and `seq` below, and in `unreadCount()`) grows with every count, so keep the highest.
   */
  'notification:new': { item: InboxItem; unreadCount: number; unreadSeq: number }
  /** The unread count changed (read, read all, archive), with its order. */
  'notification:unread': { count: number; seq: number }
  // Chat: to every member's sockets (the conversation's room); see docs/chat.md.
  'message:new': ChatMessage
  'message:updated': ChatMessage
  'message:deleted': { conversationId: string; id: string; seq: number; deletedAt: string }
  reaction: { conversationId: string; messageId: string; userId: string; emoji: string; added: boolean }
  read: { conversationId: string; userId: string; seq: number }
  delivered: { conversationId: string; userId: string; seq: number }
  typing: { conversationId: string; userId: string; typing: boolean; expiresInMs: number }
  presence: { userId: string; online: boolean; lastSeenAt: string | null }
  /** A conversation made with this user in it (their sockets are already in its room). */
  'conversation:created': { conversation: Omit<Conversation, 'unreadCount' | 'myRole'> }
  'conversation:updated': { conversation: Omit<Conversation, 'unreadCount' | 'myRole'> }
  'conversation:removed': { conversationId: string }
  // Payments: to the customer's sockets when their payment settles or a refund finishes.
  'payment.succeeded': { payment: Payment }
  'payment.failed': { payment: Payment }
  /** Canceled, or expired unpaid (the payment's status says which). */
  'payment.canceled': { payment: Payment }
  'payment.refunded': { payment: Payment; refund: Refund }
  // Wallet: to the owner's sockets after every change of one of their wallets (a top-up, refund,
  // payment, transfer, adjustment, a hold taken or released).
  'wallet.changed': { userId: string; balance: WalletBalance }
  // Support: the requester hears of their ticket (customer view, public entries only) ...
  'ticket.updated': { ticket: Ticket }
  'ticket.event': { event: TicketEvent }
  // ... agents (room support:agents) of every ticket, notes included.
  'support.ticket.updated': { ticket: Ticket }
  'support.ticket.event': { event: TicketEvent }
  'support.sla': {
    ticketId: string
    number: number
    metric: SlaClock['metric']
    level: 'warning' | 'breached'
    dueAt: string
    assigneeId: string | null
  }
  'support.csat': { ticketId: string; rating: number; assigneeId: string | null }
  'support.presence': { userId: string; status: AgentStatus; online: boolean }
  /** A live chat conversation started, was closed or escalated. */
  'support.conversation': SupportConversation
}
