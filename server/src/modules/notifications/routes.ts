import { Type } from 'typebox'
import { currentUser, type Auth } from '../../core/http/auth'
import { route, type App } from '../../core/http/route'
import { rawBodyRoutes, signedRequest } from '../../core/http/webhooks'
import type { Idempotency } from '../../core/http/idempotency'
import { Id, Nullable, Page, PageQuery } from '../../core/http/schemas'
import * as S from './schemas'
import type { NotificationsService } from './service'

export function notificationsRoutes(
  app: App,
  deps: { notifications: NotificationsService; auth: Auth; idempotency: Idempotency; publicUrl: string },
) {
  const { notifications: n, auth } = deps
  const signedIn = auth.require()
  const admin = auth.require({ roles: ['admin'] })
  const sender = auth.require({ roles: ['admin'], apiKeyScope: 'notifications:send' })
  const tags = ['notifications']

  // ---- sending ----
  route(app, {
    method: 'POST',
    url: '/v1/notifications',
    operationId: 'sendNotification',
    tags,
    access: sender,
    errors: [404, 422],
    idempotency: deps.idempotency,
    summary: 'Send a notification to a user, up to 10,000 users, or a topic',
    description:
      'Accepted at once (202); fan-out and delivery run as jobs. The same idempotencyKey (in the body, or the Idempotency-Key header) from the same caller never sends twice.',
    schema: { body: S.SendBody, response: { 202: S.SendAccepted } },
    handler: async (request, reply) => reply.code(202).send(await n.pipeline.accept(request.principal!, request.body)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/notifications/:id',
    operationId: 'getNotification',
    tags,
    access: sender,
    errors: [404],
    summary: 'A notification with its deliveries and every attempt',
    schema: { params: Type.Object({ id: Id }), response: { 200: S.NotificationDetail } },
    handler: async (request) => n.activity.notification(request.params.id),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/notifications/runs',
    operationId: 'cancelNotificationRuns',
    tags,
    access: sender,
    summary: 'Call off what a trigger started and has not done yet, by its cancelKey or your own idempotencyKey',
    description:
      'Waiting and running workflow runs are cancelled (steps already taken stay), a notification still waiting for its sendAt is not sent, and deliveries waiting for quiet hours to end are suppressed. Answers the counts; nothing to cancel is not an error.',
    schema: { querystring: S.CancelRunsQuery, response: { 200: S.CancelRunsResult } },
    handler: async (request) => n.runs.cancel(request.principal!, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notifications/runs',
    operationId: 'listNotificationRuns',
    tags,
    access: admin,
    summary: 'Workflow runs, newest first, with their next step and when it happens',
    schema: { querystring: S.RunQuery, response: { 200: Page(S.RefTo(S.Run)) } },
    handler: async (request) => n.runs.list(request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notifications/deliveries',
    operationId: 'listDeliveries',
    tags,
    access: admin,
    summary: 'Activity feed: deliveries, newest first, by user, type, channel, status and date',
    schema: { querystring: S.DeliveryQuery, response: { 200: Page(S.RefTo(S.Delivery)) } },
    handler: async (request) => n.activity.feed(request.query),
  })

  // ---- types and templates ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-types',
    operationId: 'listNotificationTypes',
    tags,
    access: admin,
    summary: 'Notification types',
    schema: { response: { 200: Type.Object({ items: Type.Array(S.RefTo(S.NotificationType)) }) } },
    handler: async () => ({ items: await n.catalog.listTypes() }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-types',
    operationId: 'createNotificationType',
    tags,
    access: admin,
    errors: [409],
    summary: 'Define a notification type',
    schema: { body: S.CreateTypeBody, response: { 201: S.RefTo(S.NotificationType) } },
    handler: async (request, reply) => reply.code(201).send(await n.catalog.createType(request.principal!, request.body)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-types/:key',
    operationId: 'getNotificationType',
    tags,
    access: admin,
    errors: [404],
    summary: 'A type with the newest template of each channel and locale',
    schema: { params: Type.Object({ key: S.TypeKey }), response: { 200: S.TypeDetail } },
    handler: async (request) => n.catalog.typeDetail(request.params.key),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/notification-types/:key',
    operationId: 'updateNotificationType',
    tags,
    access: admin,
    errors: [404],
    summary: 'Change a type',
    schema: { params: Type.Object({ key: S.TypeKey }), body: S.UpdateTypeBody, response: { 200: S.RefTo(S.NotificationType) } },
    handler: async (request) => n.catalog.updateType(request.principal!, request.params.key, request.body),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/admin/notification-types/:key',
    operationId: 'deleteNotificationType',
    tags,
    access: admin,
    errors: [404, 409],
    summary: "Delete a type (not Caravan's own)",
    schema: { params: Type.Object({ key: S.TypeKey }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.catalog.deleteType(request.principal!, request.params.key)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-types/:key/templates',
    operationId: 'listTemplateVersions',
    tags,
    access: admin,
    errors: [404],
    summary: "Every saved version of a type's templates, newest first",
    schema: {
      params: Type.Object({ key: S.TypeKey }),
      querystring: S.TemplateVersionsQuery,
      response: { 200: Type.Object({ items: Type.Array(S.RefTo(S.Template)) }) },
    },
    handler: async (request) => ({
      items: await n.catalog.templateVersions(request.params.key, request.query.channel, request.query.locale),
    }),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/admin/notification-types/:key/templates/:channel/:locale',
    operationId: 'saveTemplate',
    tags,
    access: admin,
    errors: [404, 422],
    summary: 'Save a template as a new version (validated and compiled; a syntax error names the line)',
    schema: {
      params: S.TemplateParams,
      body: Type.Object({ content: S.TemplateContent }, { additionalProperties: false }),
      response: { 201: S.RefTo(S.Template) },
    },
    handler: async (request, reply) => {
      const { key, channel, locale } = request.params
      return reply.code(201).send(await n.catalog.saveTemplate(request.principal!, key, channel, locale, request.body.content))
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-types/:key/preview',
    operationId: 'previewTemplate',
    tags,
    access: admin,
    errors: [404, 422],
    summary: 'Render a saved version (or unsaved content) with sample data in any locale',
    schema: { params: Type.Object({ key: S.TypeKey }), body: S.PreviewBody, response: { 200: S.PreviewResult } },
    handler: async (request) => n.catalog.preview(request.params.key, request.body),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-types/:key/workflow',
    operationId: 'getNotificationWorkflow',
    tags,
    access: admin,
    errors: [404],
    summary: "A type's workflow (version 0 and no steps: it sends on all its channels at once)",
    schema: { params: Type.Object({ key: S.TypeKey }), response: { 200: S.RefTo(S.Workflow) } },
    handler: async (request) => n.workflows.get(request.params.key),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/admin/notification-types/:key/workflow',
    operationId: 'saveNotificationWorkflow',
    tags,
    access: admin,
    errors: [404, 422],
    summary: "Save a type's workflow as a new version ([] removes it); runs already started keep their version",
    schema: { params: Type.Object({ key: S.TypeKey }), body: S.SaveWorkflowBody, response: { 201: S.RefTo(S.Workflow) } },
    handler: async (request, reply) =>
      reply.code(201).send(await n.workflows.save(request.principal!, request.params.key, request.body.steps)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-types/:key/workflow/versions',
    operationId: 'listNotificationWorkflowVersions',
    tags,
    access: admin,
    errors: [404],
    summary: "The type's last 20 workflow versions, newest first",
    schema: { params: Type.Object({ key: S.TypeKey }), response: { 200: Type.Object({ items: Type.Array(S.RefTo(S.Workflow)) }) } },
    handler: async (request) => ({ items: await n.workflows.history(request.params.key) }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-types/:key/workflow/preview',
    operationId: 'previewNotificationWorkflow',
    tags,
    access: admin,
    errors: [404, 422],
    summary: 'What the saved (or given) workflow does for one recipient with sample data: each step, when, and what it sends',
    schema: { params: Type.Object({ key: S.TypeKey }), body: S.WorkflowPreviewBody, response: { 200: S.WorkflowPreview } },
    handler: async (request) => n.workflows.preview(request.params.key, request.body),
  })

  // ---- providers and settings ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-providers',
    operationId: 'listNotificationProviders',
    tags,
    access: admin,
    summary: 'Configured providers per channel, in failover order (secrets hidden)',
    schema: { response: { 200: S.ProvidersOverview } },
    handler: async () => n.providers(),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-providers',
    operationId: 'createNotificationProvider',
    tags,
    access: admin,
    summary: 'Add a provider (credentials encrypted at rest, never returned)',
    schema: { body: S.CreateProviderBody, response: { 201: S.RefTo(S.ProviderView) } },
    handler: async (request, reply) => reply.code(201).send(await n.registry.create(request.principal!, request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/notification-providers/:id',
    operationId: 'updateNotificationProvider',
    tags,
    access: admin,
    errors: [404, 422],
    summary: 'Change a provider (omitted or masked secrets keep their value)',
    description:
      'Changing where a provider connects (host, port, secure, baseUrl, production) requires its stored secrets again: 422 otherwise.',
    schema: { params: Type.Object({ id: Id }), body: S.UpdateProviderBody, response: { 200: S.RefTo(S.ProviderView) } },
    handler: async (request) => n.registry.update(request.principal!, request.params.id, request.body),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/admin/notification-providers/:id',
    operationId: 'deleteNotificationProvider',
    tags,
    access: admin,
    errors: [404],
    summary: 'Remove a provider',
    schema: { params: Type.Object({ id: Id }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.registry.remove(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-providers/:id/test',
    operationId: 'testNotificationProvider',
    tags,
    access: admin,
    errors: [404],
    summary: 'Check that a provider’s credentials work, without delivering anything',
    // Each check calls the provider's service: a few a minute is all an admin needs.
    rateLimit: { max: 20, timeWindow: '1 minute' },
    schema: {
      params: Type.Object({ id: Id }),
      response: {
        200: Type.Object({ ok: Type.Boolean(), detail: Type.String({ description: 'What the service answered; never a secret' }) }),
      },
    },
    handler: async (request) => n.registry.check(request.params.id),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-settings',
    operationId: 'getNotificationSettings',
    tags,
    access: admin,
    summary: 'Rate limits and content filter rules',
    schema: { response: { 200: S.SettingsView } },
    handler: async () => n.settings.view(),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/admin/notification-settings',
    operationId: 'updateNotificationSettings',
    tags,
    access: admin,
    summary: 'Set rate limits and/or content filter rules',
    schema: { body: S.SettingsBody, response: { 200: S.SettingsView } },
    handler: async (request) => n.settings.write(request.body),
  })

  // ---- topics ----
  route(app, {
    method: 'GET',
    url: '/v1/topics',
    operationId: 'listTopics',
    tags,
    access: sender,
    summary: 'Topics with their visibility and subscriber counts',
    schema: { response: { 200: Type.Object({ items: Type.Array(S.Topic) }) } },
    handler: async () => ({ items: await n.topics.list() }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/topics',
    operationId: 'createTopic',
    tags,
    access: sender,
    errors: [409],
    summary: 'Create a topic (private unless visibility is public)',
    schema: { body: S.CreateTopicBody, response: { 201: S.Topic } },
    handler: async (request, reply) => reply.code(201).send(await n.topics.create(request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/topics/:key',
    operationId: 'updateTopic',
    tags,
    access: sender,
    errors: [404],
    summary: 'Rename a topic or change its visibility (existing subscriptions stay)',
    schema: { params: Type.Object({ key: S.TopicKey }), body: S.UpdateTopicBody, response: { 200: S.Topic } },
    handler: async (request) => n.topics.update(request.params.key, request.body),
  })
  route(app, {
    method: 'POST',
    url: '/v1/topics/:key/subscribers',
    operationId: 'addTopicSubscribers',
    tags,
    access: sender,
    errors: [404, 422],
    summary: 'Subscribe users to a topic, public or private',
    schema: { params: Type.Object({ key: S.TopicKey }), body: S.TopicUsersBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.subscribe(request.params.key, request.body.users)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/topics/:key/subscribers',
    operationId: 'removeTopicSubscribers',
    tags,
    access: sender,
    errors: [404],
    summary: 'Unsubscribe users from a topic',
    schema: { params: Type.Object({ key: S.TopicKey }), body: S.TopicUsersBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.unsubscribe(request.params.key, request.body.users)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/topics',
    operationId: 'listMyTopics',
    tags,
    access: signedIn,
    summary: 'Topics I follow, and private ones the host subscribed me to',
    schema: { response: { 200: Type.Object({ items: Type.Array(S.MyTopic) }) } },
    handler: async (request) => ({ items: await n.topics.ofUser(currentUser(request).userId) }),
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/topics/available',
    operationId: 'listAvailableTopics',
    tags,
    access: signedIn,
    summary: 'Public topics I may follow, newest first, with whether I follow each',
    schema: { querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: Page(S.AvailableTopic) } },
    handler: async (request) => n.topics.available(currentUser(request).userId, request.query),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/me/topics/:key',
    operationId: 'followTopic',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Follow a public topic (a private or unknown one is a 404)',
    schema: { params: Type.Object({ key: S.TopicKey }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.follow(currentUser(request).userId, request.params.key)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/me/topics/:key',
    operationId: 'unfollowTopic',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Stop following a public topic (a private or unknown one is a 404)',
    schema: { params: Type.Object({ key: S.TopicKey }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.unfollow(currentUser(request).userId, request.params.key)
      return reply.code(204).send(null)
    },
  })

  // ---- me: preferences and inbox ----
  route(app, {
    method: 'GET',
    url: '/v1/me/notification-preferences',
    operationId: 'getNotificationPreferences',
    tags,
    access: signedIn,
    summary: 'My channels, categories and quiet hours',
    schema: { response: { 200: S.PreferencesView } },
    handler: async (request) => n.preferences.view(currentUser(request).userId),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/me/notification-preferences',
    operationId: 'setNotificationPreferences',
    tags,
    access: signedIn,
    summary: 'Replace my preferences (security alerts and receipts are sent whatever they say)',
    schema: { body: S.RefTo(S.Preferences), response: { 200: S.PreferencesView } },
    handler: async (request) => n.preferences.save(currentUser(request).userId, request.body),
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/notifications',
    operationId: 'listMyNotifications',
    tags,
    access: signedIn,
    summary: 'My inbox, newest first',
    schema: { querystring: S.InboxQuery, response: { 200: Page(S.RefTo(S.InboxItem)) } },
    handler: async (request) => n.inbox.list(currentUser(request).userId, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/notifications/unread-count',
    operationId: 'getUnreadCount',
    tags,
    access: signedIn,
    summary: 'How many inbox items are unread',
    description:
      '`seq` orders the counts of one user, here and in the socket events `notification:new` (`unreadSeq`) and `notification:unread`: a client that has shown a count with a higher `seq` keeps it.',
    schema: {
      response: {
        200: Type.Object({
          count: Type.Integer(),
          seq: Type.Integer({ description: 'Grows with every count read; a higher one was read later' }),
        }),
      },
    },
    handler: async (request) => n.inbox.unreadCount(currentUser(request).userId),
  })
  route(app, {
    method: 'POST',
    url: '/v1/me/notifications/read-all',
    operationId: 'markAllRead',
    tags,
    access: signedIn,
    summary: 'Mark every inbox item read',
    schema: { response: { 200: Type.Object({ updated: Type.Integer() }) } },
    handler: async (request) => ({ updated: await n.inbox.readAll(currentUser(request).userId) }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/me/notifications/:id/read',
    operationId: 'markRead',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Mark an inbox item read',
    schema: { params: Type.Object({ id: Id }), response: { 200: S.RefTo(S.InboxItem) } },
    handler: async (request) => n.inbox.markRead(currentUser(request).userId, request.params.id),
  })
  route(app, {
    method: 'POST',
    url: '/v1/me/notifications/:id/archive',
    operationId: 'archiveNotification',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Archive an inbox item',
    schema: { params: Type.Object({ id: Id }), response: { 200: S.RefTo(S.InboxItem) } },
    handler: async (request) => n.inbox.archive(currentUser(request).userId, request.params.id),
  })
  route(app, {
    method: 'POST',
    url: '/v1/me/notifications/:id/restore',
    operationId: 'restoreNotification',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Bring an archived inbox item back to the inbox',
    schema: { params: Type.Object({ id: Id }), response: { 200: S.RefTo(S.InboxItem) } },
    handler: async (request) => n.inbox.restore(currentUser(request).userId, request.params.id),
  })

  // ---- dev outbox ----
  route(app, {
    method: 'GET',
    url: '/v1/dev/outbox',
    operationId: 'listDevOutbox',
    tags,
    access: admin,
    summary: 'What the dev outbox "sent" (email, SMS, push) while no real provider is configured',
    schema: { querystring: S.OutboxQuery, response: { 200: Page(S.OutboxItem) } },
    handler: async (request) => n.outbox(request.query),
  })

  // ---- Web Push from the web app (public: the service worker holds no session) ----
  route(app, {
    method: 'GET',
    url: '/v1/push/config',
    operationId: 'getPushConfig',
    tags,
    access: auth.public,
    summary: 'The VAPID public key browsers subscribe to Web Push with',
    description:
      'The first enabled Web Push provider’s key, else the built-in sender’s (WEBPUSH_VAPID_PUBLIC_KEY, or made at first start). Subscribe with it (`applicationServerKey`), then register the subscription with `POST /v1/me/devices {kind: "webpush"}`.',
    schema: {
      response: { 200: Type.Object({ webPush: Nullable(Type.Object({ publicKey: Type.String({ description: 'base64url' }) })) }) },
    },
    handler: async () => {
      const publicKey = await n.webPushPublicKey()
      return { webPush: publicKey ? { publicKey } : null }
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/push/opened',
    operationId: 'acknowledgePushOpened',
    tags,
    access: auth.public,
    errors: [400, 403, 404],
    summary: 'A Web Push notification was clicked: its delivery becomes opened',
    description:
      'Called by the service worker with the `caravanDeliveryId` and `caravanAck` fields of the payload’s `data` (an HMAC of the delivery id): no session needed, nothing else accepted. Repeats change nothing.',
    schema: {
      body: Type.Object({ deliveryId: Id, ack: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
    handler: async (request, reply) => {
      await n.pushOpens.opened(request.body.deliveryId, request.body.ack)
      return reply.code(204).send(null)
    },
  })

  // ---- provider webhooks (raw body: signatures cover the exact bytes) ----
  rawBodyRoutes(app, 5 * 1024 * 1024, (scope) => {
    route(scope, {
      method: 'POST',
      url: '/v1/webhooks/notifications/:providerId',
      operationId: 'notificationProviderWebhook',
      tags: ['webhooks'],
      access: auth.public,
      errors: [401, 404],
      summary: 'Delivery status callbacks from a configured provider (SendGrid events, Twilio status callbacks)',
      description: 'Give the provider this URL with the id of its configuration. Requests without a valid signature are refused.',
      schema: { params: Type.Object({ providerId: Id }), response: { 200: Type.Object({ updated: Type.Integer() }) } },
      handler: async (request) => {
        const url = new URL(request.url, deps.publicUrl).toString()
        return { updated: await n.status.webhook(request.params.providerId, { ...signedRequest(request), url }) }
      },
    })
  })
}
