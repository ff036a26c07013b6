// Routes of the live chat widget: sites (admins), the visitor's calls (site header, origin, visitor
// token and identity checked on each), and the desk's conversation list.
import { Type } from 'typebox'
import type { Access, Auth } from '../../core/http/auth'
import { currentUser } from '../../core/http/auth'
import { route, type App } from '../../core/http/route'
import { IdParams, Page, RefTo } from '../../core/http/schemas'
import * as S from './schemas'
import type { SupportService } from './service'
import { siteCall, siteQueryCall } from './widget-auth'
import * as W from './widget-schemas'

export function widgetRoutes(app: App, deps: { support: SupportService; auth: Auth }) {
  const { support: s, auth } = deps
  const admin = auth.require({ roles: ['admin'] })
  const agentUser = auth.require({ roles: ['agent', 'admin'] })
  const visitor = auth.require({ widget: true, roles: [] })
  // The site header and origin, checked before the body is read (callers without access never reach
  // validation); the service checks them again with the identity (both from the hot cache).
  const site: Access = {
    security: [{ widgetSite: [] }],
    check: async (request) => {
      await s.widget.checkSite(siteCall(request))
    },
  }
  const siteByQuery: Access = {
    security: [{ widgetSiteQuery: [] }],
    check: async (request) => {
      await s.widget.checkSite(siteQueryCall(request))
    },
  }
  const tags = ['support-widget']
  const Site = RefTo(W.SiteView)

  route(app, {
    method: 'GET',
    url: '/v1/support/sites',
    operationId: 'listWidgetSites',
    tags,
    access: admin,
    summary: 'Live chat widget sites',
    schema: { response: { 200: Type.Object({ items: Type.Array(Site) }) } },
    handler: async () => s.sites.list(),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/sites',
    operationId: 'createWidgetSite',
    tags,
    access: admin,
    errors: [422],
    summary: 'A site for the widget; its identity secret is in this answer only',
    schema: { body: W.SiteBody, response: { 201: W.SiteCreated } },
    handler: async (request, reply) => reply.code(201).send(await s.sites.create(request.principal!, request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/support/sites/:id',
    operationId: 'updateWidgetSite',
    tags,
    access: admin,
    errors: [404, 422],
    summary: "Change a site's name, origins, identity requirement, team or language",
    schema: { params: IdParams, body: W.SitePatch, response: { 200: Site } },
    handler: async (request) => s.sites.update(request.principal!, request.params.id, request.body),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/support/sites/:id',
    operationId: 'deleteWidgetSite',
    tags,
    access: admin,
    errors: [404],
    summary: 'Delete a site: its widget stops working at once (its conversations stay)',
    schema: { params: IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await s.sites.remove(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/sites/:id/secret',
    operationId: 'rotateWidgetSiteSecret',
    tags,
    access: admin,
    errors: [404],
    summary: 'A new identity secret for the site, returned once; the old one stops working at once',
    schema: { params: IdParams, response: { 200: W.SiteSecret } },
    handler: async (request) => s.sites.rotateSecret(request.principal!, request.params.id),
  })

  route(app, {
    method: 'GET',
    url: '/v1/widget/config',
    operationId: 'getWidgetConfig',
    tags,
    access: siteByQuery,
    errors: [401, 403],
    summary: "The widget's settings and whether an agent is online",
    schema: { querystring: W.ConfigQuery, response: { 200: W.WidgetConfig } },
    handler: async (request) => s.widget.config(siteQueryCall(request)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/widget/sessions',
    operationId: 'startWidgetSession',
    tags,
    access: site,
    errors: [401, 403],
    summary: 'Start or resume a visitor (anonymous, or identified by X-Caravan-Identity)',
    schema: { body: W.SessionBody, response: { 200: W.WidgetSession } },
    handler: async (request) => s.widget.session(siteCall(request), request.body),
  })
  route(app, {
    method: 'GET',
    url: '/v1/widget/conversations',
    operationId: 'listWidgetConversations',
    tags,
    access: visitor,
    errors: [401, 403],
    summary: "The visitor's conversations on this site, newest first",
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(W.VisitorConversation)) }) } },
    handler: async (request) => s.widget.conversations(currentUser(request)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/widget/conversations',
    operationId: 'startWidgetConversation',
    tags,
    access: visitor,
    errors: [401, 403, 422],
    summary: 'A new conversation with its first message; an available agent is assigned',
    description: 'Sending the same clientMessageId again answers the conversation it started (created: false).',
    schema: { body: W.StartBody, response: { 200: W.Started, 201: W.Started } },
    handler: async (request, reply) => {
      const result = await s.widget.start(currentUser(request), request.body)
      return reply.code(result.created ? 201 : 200).send(result)
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/widget/tickets',
    operationId: 'createWidgetTicket',
    tags,
    access: visitor,
    errors: [401, 403, 422],
    summary: 'The offline form: a ticket, answered by e-mail',
    schema: { body: W.OfflineBody, response: { 201: W.OfflineCreated } },
    handler: async (request, reply) => reply.code(201).send(await s.widget.offlineTicket(currentUser(request), request.body)),
  })

  route(app, {
    method: 'GET',
    url: '/v1/support/conversations',
    operationId: 'listSupportConversations',
    tags,
    access: agentUser,
    summary: 'Live chat conversations, newest first, with their site, visitor and assignee',
    schema: { querystring: W.DeskConversationQuery, response: { 200: Page(RefTo(W.DeskConversation)) } },
    handler: async (request) => s.widget.list(request.query),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/conversations/:id/escalate',
    operationId: 'escalateSupportConversation',
    tags,
    access: agentUser,
    errors: [404, 409, 422],
    summary: 'A ticket of the visitor from the conversation, keeping every message; the conversation closes',
    schema: { params: IdParams, body: W.EscalateBody, response: { 201: RefTo(S.TicketDetail) } },
    handler: async (request, reply) => reply.code(201).send(await s.widget.escalate(request.principal!, request.params.id, request.body)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/conversations/:id/join',
    operationId: 'joinSupportConversation',
    tags,
    access: agentUser,
    errors: [404],
    summary: 'Join a live chat to answer it in the chat view (agents outside the site’s team, admins); joining again changes nothing',
    schema: { params: IdParams, response: { 200: RefTo(W.DeskConversation) } },
    handler: async (request) => s.widget.join(request.principal!, request.params.id),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/conversations/:id/close',
    operationId: 'closeSupportConversation',
    tags,
    access: agentUser,
    errors: [404],
    summary: 'Close a live chat conversation (the visitor may start a new one)',
    schema: { params: IdParams, response: { 200: RefTo(W.DeskConversation) } },
    handler: async (request) => s.widget.close(request.params.id),
  })
}
