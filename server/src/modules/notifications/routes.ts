import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { currentUser, type Auth } from '../../core/http/auth'
import { AppError } from '../../core/http/errors'
import { route, type App } from '../../core/http/route'
import { Id, Locale, PageQuery } from '../../core/http/schemas'
import type { AccountsService } from '../accounts'
import { decodeCursor, pageOf } from '../../core/http/paging'
import { templateView, typeView } from './catalog'
import * as S from './schemas'
import type { NotificationsService } from './service'
import type { NotifyChannel } from './tables'

export function notificationsRoutes(
  app: App,
  deps: { notifications: NotificationsService; accounts: AccountsService; auth: Auth; publicUrl: string },
) {
  const { notifications: n, auth, accounts } = deps
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
    summary: 'Send a notification to a user, up to 10,000 users, or a topic',
    description:
      'Accepted at once (202); fan-out and delivery run as jobs. The same idempotencyKey from the same caller never sends twice.',
    schema: { body: S.SendBody, response: { 202: S.SendAccepted } },
    handler: async (request, reply) => reply.code(202).send(await n.pipeline.accept(request.principal!, request.body as any)),
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
    handler: async (request) => n.activity.notification(request.params.id) as any,
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/notifications/deliveries',
    operationId: 'listDeliveries',
    tags,
    access: admin,
    summary: 'Activity feed: deliveries, newest first, by user, type, channel, status and date',
    schema: {
      querystring: S.DeliveryQuery,
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('Delivery')), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
    },
    handler: async (request) => n.activity.feed({ ...request.query, limit: request.query.limit ?? 20 } as any) as any,
  })

  // ---- types and templates ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-types',
    operationId: 'listNotificationTypes',
    tags,
    access: admin,
    summary: 'Notification types',
    schema: { response: { 200: Type.Object({ items: Type.Array(Type.Ref('NotificationType')) }) } },
    handler: async () => ({ items: (await n.catalog.listTypes()).map(typeView) }) as any,
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-types',
    operationId: 'createNotificationType',
    tags,
    access: admin,
    errors: [409],
    summary: 'Define a notification type',
    schema: { body: S.CreateTypeBody, response: { 201: Type.Ref('NotificationType') } },
    handler: async (request, reply) =>
      reply.code(201).send(typeView(await n.catalog.createType(request.principal!, request.body as any)) as any),
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
    handler: async (request) => {
      const type = await n.catalog.requireType(request.params.key)
      const versions = await n.catalog.templateVersions(type.key)
      const newest = versions.filter((t, i) => versions.findIndex((o) => o.channel === t.channel && o.locale === t.locale) === i)
      return { type: typeView(type), templates: newest.map(templateView) } as any
    },
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/notification-types/:key',
    operationId: 'updateNotificationType',
    tags,
    access: admin,
    errors: [404],
    summary: 'Change a type',
    schema: { params: Type.Object({ key: S.TypeKey }), body: S.UpdateTypeBody, response: { 200: Type.Ref('NotificationType') } },
    handler: async (request) => typeView(await n.catalog.updateType(request.principal!, request.params.key, request.body as any)) as any,
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
      querystring: Type.Object({ channel: Type.Optional(S.Channel), locale: Type.Optional(Locale) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('NotificationTemplate')) }) },
    },
    handler: async (request) =>
      ({
        items: (
          await n.catalog.templateVersions(request.params.key, request.query.channel as NotifyChannel | undefined, request.query.locale)
        ).map(templateView),
      }) as any,
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
      response: { 201: Type.Ref('NotificationTemplate') },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(
          templateView(
            await n.catalog.saveTemplate(
              request.principal!,
              request.params.key,
              request.params.channel as NotifyChannel,
              request.params.locale,
              request.body.content as any,
            ),
          ) as any,
        ),
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
    handler: async (request) => n.catalog.preview(request.params.key, request.body as any) as any,
  })

  // ---- providers and settings ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/notification-providers',
    operationId: 'listNotificationProviders',
    tags,
    access: admin,
    summary: 'Configured providers per channel, in failover order (secrets hidden)',
    schema: {
      response: {
        200: Type.Object({
          items: Type.Array(Type.Ref('NotificationProvider')),
          available: Type.Array(Type.Object({ provider: Type.String(), channel: Type.String(), secretFields: Type.Array(Type.String()) })),
        }),
      },
    },
    handler: async () =>
      ({
        items: await n.registry.list(),
        available: Object.entries(n.registry.factories).map(([provider, f]) => ({
          provider,
          channel: f.channel,
          secretFields: f.secretFields,
        })),
      }) as any,
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/notification-providers',
    operationId: 'createNotificationProvider',
    tags,
    access: admin,
    summary: 'Add a provider (credentials encrypted at rest, never returned)',
    schema: { body: S.CreateProviderBody, response: { 201: Type.Ref('NotificationProvider') } },
    handler: async (request, reply) => reply.code(201).send((await n.registry.create(request.principal!, request.body as any)) as any),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/notification-providers/:id',
    operationId: 'updateNotificationProvider',
    tags,
    access: admin,
    errors: [404],
    summary: 'Change a provider (omitted or masked secrets keep their value)',
    schema: { params: Type.Object({ id: Id }), body: S.UpdateProviderBody, response: { 200: Type.Ref('NotificationProvider') } },
    handler: async (request) => n.registry.update(request.principal!, request.params.id, request.body as any) as any,
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
    method: 'GET',
    url: '/v1/admin/notification-settings',
    operationId: 'getNotificationSettings',
    tags,
    access: admin,
    summary: 'Rate limits and content filter rules',
    schema: { response: { 200: Type.Object({ rateLimits: Type.Unknown(), contentRules: Type.Unknown() }) } },
    handler: async () => {
      const { rateLimits, contentRules } = await n.settings.read()
      return { rateLimits, contentRules }
    },
  })
  route(app, {
    method: 'PUT',
    url: '/v1/admin/notification-settings',
    operationId: 'updateNotificationSettings',
    tags,
    access: admin,
    summary: 'Set rate limits and/or content filter rules',
    schema: { body: S.SettingsBody, response: { 200: Type.Object({ rateLimits: Type.Unknown(), contentRules: Type.Unknown() }) } },
    handler: async (request) => {
      const { rateLimits, contentRules } = await n.settings.write(request.body as any)
      return { rateLimits, contentRules }
    },
  })

  // ---- topics ----
  route(app, {
    method: 'GET',
    url: '/v1/topics',
    operationId: 'listTopics',
    tags,
    access: sender,
    summary: 'Topics with their subscriber counts',
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
    summary: 'Create a topic',
    schema: {
      body: Type.Object({ key: S.TopicKey, name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 201: S.Topic },
    },
    handler: async (request, reply) => reply.code(201).send(await n.topics.create(request.body.key, request.body.name)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/topics/:key/subscribers',
    operationId: 'addTopicSubscribers',
    tags,
    access: sender,
    errors: [404, 422],
    summary: 'Subscribe users to a topic',
    schema: { params: Type.Object({ key: S.TopicKey }), body: S.UserIdsBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      const known = new Set((await accounts.contactsOf(request.body.userIds)).map((c) => c.id))
      const unknown = request.body.userIds.filter((id) => !known.has(id))
      if (unknown.length) throw new AppError('unprocessable', `Unknown users: ${unknown.slice(0, 5).join(', ')}`)
      await n.topics.subscribe(request.params.key, request.body.userIds)
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
    schema: { params: Type.Object({ key: S.TopicKey }), body: S.UserIdsBody, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.unsubscribe(request.params.key, request.body.userIds)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/topics',
    operationId: 'listMyTopics',
    tags,
    access: signedIn,
    summary: 'Topics I follow',
    schema: { response: { 200: Type.Object({ items: Type.Array(S.Topic) }) } },
    handler: async (request) => ({ items: await n.topics.ofUser(currentUser(request).userId) }),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/me/topics/:key',
    operationId: 'followTopic',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Follow a topic',
    schema: { params: Type.Object({ key: S.TopicKey }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.subscribe(request.params.key, [currentUser(request).userId])
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
    summary: 'Stop following a topic',
    schema: { params: Type.Object({ key: S.TopicKey }), response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await n.topics.unsubscribe(request.params.key, [currentUser(request).userId])
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
    handler: async (request) => {
      const user = await accounts.getUser(currentUser(request).userId)
      return { preferences: await n.preferences.get(user.id), timezone: user.timezone, criticalCategories: ['security'] } as any
    },
  })
  route(app, {
    method: 'PUT',
    url: '/v1/me/notification-preferences',
    operationId: 'setNotificationPreferences',
    tags,
    access: signedIn,
    summary: 'Replace my preferences (security alerts and receipts are sent whatever they say)',
    schema: { body: Type.Ref('NotificationPreferences'), response: { 200: S.PreferencesView } },
    handler: async (request) => {
      const user = await accounts.getUser(currentUser(request).userId)
      return {
        preferences: await n.preferences.put(user.id, request.body as any),
        timezone: user.timezone,
        criticalCategories: ['security'],
      } as any
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/notifications',
    operationId: 'listMyNotifications',
    tags,
    access: signedIn,
    summary: 'My inbox, newest first',
    schema: {
      querystring: S.InboxQuery,
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('InboxItem')), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
    },
    handler: async (request) => n.inbox.list(currentUser(request).userId, { ...request.query, limit: request.query.limit ?? 20 }) as any,
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/notifications/unread-count',
    operationId: 'getUnreadCount',
    tags,
    access: signedIn,
    summary: 'How many inbox items are unread',
    schema: { response: { 200: Type.Object({ count: Type.Integer() }) } },
    handler: async (request) => ({ count: await n.inbox.unreadCount(currentUser(request).userId) }),
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
    schema: { params: Type.Object({ id: Id }), response: { 200: Type.Ref('InboxItem') } },
    handler: async (request) => n.inbox.markRead(currentUser(request).userId, request.params.id) as any,
  })
  route(app, {
    method: 'POST',
    url: '/v1/me/notifications/:id/archive',
    operationId: 'archiveNotification',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'Archive an inbox item',
    schema: { params: Type.Object({ id: Id }), response: { 200: Type.Ref('InboxItem') } },
    handler: async (request) => n.inbox.archive(currentUser(request).userId, request.params.id) as any,
  })

  // ---- dev outbox ----
  route(app, {
    method: 'GET',
    url: '/v1/dev/outbox',
    operationId: 'listDevOutbox',
    tags,
    access: admin,
    summary: 'What the dev outbox "sent" (email, SMS, push) while no real provider is configured',
    schema: {
      querystring: Type.Object(
        { ...PageQuery, channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')])) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(S.OutboxItem), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
    },
    handler: async (request) => {
      const limit = request.query.limit ?? 20
      const rows = await n.devOutbox.list({ limit, before: decodeCursor(request.query.cursor), channel: request.query.channel })
      return pageOf(rows, limit, (r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
    },
  })

  // ---- provider webhooks (raw body: signatures cover the exact bytes) ----
  app.register(async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => done(null, body))
    route(scope as unknown as App, {
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
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]),
        )
        const url = new URL(request.url, deps.publicUrl).toString()
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
        return { updated: await n.status.webhook(request.params.providerId, { headers, rawBody, url }) }
      },
    })
  })
}
