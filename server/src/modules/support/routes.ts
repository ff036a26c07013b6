import { Type } from 'typebox'
import type { Auth } from '../../core/http/auth'
import { route, type App } from '../../core/http/route'
import { rawBodyRoutes, signedRequest } from '../../core/http/webhooks'
import { IdParams, Page, RefTo } from '../../core/http/schemas'
import { analyticsCsv } from './analytics'
import * as S from './schemas'
import type { SupportService } from './service'
import { widgetRoutes } from './widget-routes'
import { sendCsv } from '../../core/http/csv-reply'

export { supportSchemas, supportTags } from './schemas'

export function supportRoutes(app: App, deps: { support: SupportService; auth: Auth }) {
  const { support: s, auth } = deps
  const anyone = auth.require({ apiKeyScope: 'support:write' })
  const reader = auth.require({ apiKeyScope: 'support:read' })
  const agent = auth.require({ roles: ['agent', 'admin'], apiKeyScope: 'support:write' })
  const agentReader = auth.require({ roles: ['agent', 'admin'], apiKeyScope: 'support:read' })
  const agentUser = auth.require({ roles: ['agent', 'admin'] })
  const user = auth.require()
  const admin = auth.require({ roles: ['admin'] })
  const tags = ['support']
  const Detail = RefTo(S.TicketDetail)
  widgetRoutes(app, deps)

  route(app, {
    method: 'POST',
    url: '/v1/tickets',
    operationId: 'createTicket',
    tags,
    access: anyone,
    errors: [422],
    summary: 'Open a ticket (customers for themselves; agents and API keys for any customer)',
    description:
      'The ticket goes to the named team (agents) or the default one, and round robin assigns it to an available agent with free capacity; it waits unassigned when there is none.',
    schema: { body: S.CreateTicketBody, response: { 201: Detail } },
    handler: async (request, reply) => reply.code(201).send(await s.tickets.create(request.principal!, request.body)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/tickets',
    operationId: 'listTickets',
    tags,
    access: reader,
    summary: 'Tickets, newest first (a customer sees their own; agents filter by view, status, priority, tag, team)',
    schema: { querystring: S.TicketQuery, response: { 200: Page(RefTo(S.TicketView)) } },
    handler: async (request) => s.tickets.list(request.principal!, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/tickets/:id',
    operationId: 'getTicket',
    tags,
    access: reader,
    errors: [404],
    summary: 'A ticket with its timeline (a customer sees public entries only)',
    schema: { params: IdParams, response: { 200: Detail } },
    handler: async (request) => s.tickets.detail(request.principal!, request.params.id),
  })
  route(app, {
    method: 'POST',
    url: '/v1/tickets/:id/replies',
    operationId: 'replyToTicket',
    tags,
    access: anyone,
    errors: [404, 409, 422],
    summary: 'A public reply (the customer sees it); an agent may set the status with it',
    description: "A customer's reply reopens a solved ticket. A closed ticket takes no replies (409): open a new one.",
    schema: {
      params: IdParams,
      body: Type.Object(
        { ...S.ReplyBody.properties, status: Type.Optional(Type.Enum(['open', 'pending', 'on_hold', 'solved'] as const)) },
        { additionalProperties: false },
      ),
      response: { 201: Detail },
    },
    handler: async (request, reply) => reply.code(201).send(await s.tickets.reply(request.principal!, request.params.id, request.body)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/tickets/:id/notes',
    operationId: 'addTicketNote',
    tags,
    access: agent,
    errors: [404, 409, 422],
    summary: 'An internal note: agents only, never shown to the customer',
    schema: { params: IdParams, body: S.ReplyBody, response: { 201: Detail } },
    handler: async (request, reply) => reply.code(201).send(await s.tickets.note(request.principal!, request.params.id, request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/tickets/:id',
    operationId: 'updateTicket',
    tags,
    access: agent,
    errors: [404, 409, 422],
    summary: 'Change status, priority, assignee, team, tags or subject',
    description:
      'Each change is a timeline entry. A new priority or team computes the SLA deadlines again; solving asks the customer for a rating.',
    schema: { params: IdParams, body: S.UpdateTicketBody, response: { 200: Detail } },
    handler: async (request) => s.tickets.update(request.principal!, request.params.id, request.body),
  })
  route(app, {
    method: 'POST',
    url: '/v1/tickets/:id/merge',
    operationId: 'mergeTickets',
    tags,
    access: agent,
    errors: [404, 409, 422],
    summary: 'Merge another ticket of the same customer into this one (timelines joined, the other closed as merged)',
    schema: { params: IdParams, body: S.MergeBody, response: { 200: Detail } },
    handler: async (request) => s.merge(request.principal!, request.params.id, request.body.sourceTicketId),
  })
  route(app, {
    method: 'POST',
    url: '/v1/tickets/:id/csat',
    operationId: 'rateTicket',
    tags,
    access: user,
    errors: [404, 409],
    summary: 'The customer rates a solved ticket 1–5 with an optional comment, once',
    schema: { params: IdParams, body: S.CsatBody, response: { 201: Detail } },
    handler: async (request, reply) => reply.code(201).send(await s.rate(request.principal!, request.params.id, request.body)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/tickets/:id/macros/:macroId',
    operationId: 'applyMacro',
    tags,
    access: agent,
    errors: [404, 409, 422],
    summary: 'Apply a macro: its status, priority and tags at once',
    schema: { params: Type.Object({ id: IdParams.properties.id, macroId: IdParams.properties.id }), response: { 200: Detail } },
    handler: async (request) => s.canned.applyMacro(request.principal!, request.params.id, request.params.macroId),
  })

  // ---- agents, teams, presence ----
  route(app, {
    method: 'PUT',
    url: '/v1/support/presence',
    operationId: 'setSupportPresence',
    tags,
    access: agentUser,
    summary: 'Set my support status (online, away, offline) and optionally my capacity',
    description: 'Coming online takes waiting unassigned tickets of my teams up to my capacity.',
    schema: { body: S.PresenceBody, response: { 200: RefTo(S.AgentView) } },
    handler: async (request) => s.agents.setPresence(request.principal!, request.body),
  })
  route(app, {
    method: 'GET',
    url: '/v1/support/status',
    operationId: 'getSupportStatus',
    tags,
    access: reader,
    summary: 'Whether an agent is available now',
    schema: { response: { 200: S.SupportStatus } },
    handler: async () => s.agents.supportOnline(),
  })
  route(app, {
    method: 'GET',
    url: '/v1/support/agents',
    operationId: 'listSupportAgents',
    tags,
    access: agentReader,
    summary: 'Agents with their status, availability, capacity, load and teams',
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(S.AgentView)) }) } },
    handler: async () => ({ items: await s.agents.agentViews() }),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/support/agents/:id/capacity',
    operationId: 'setAgentCapacity',
    tags,
    access: admin,
    errors: [404],
    summary: "Set an agent's capacity (active tickets round robin gives them at most)",
    schema: {
      params: IdParams,
      body: Type.Object({ capacity: Type.Integer({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false }),
      response: { 200: RefTo(S.AgentView) },
    },
    handler: async (request) => s.agents.setCapacity(request.principal!, request.params.id, request.body.capacity),
  })
  route(app, {
    method: 'GET',
    url: '/v1/support/teams',
    operationId: 'listSupportTeams',
    tags,
    access: agentReader,
    summary: 'Teams with their business hours, support address and members',
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(S.TeamView)) }) } },
    handler: async () => ({ items: await s.agents.listTeams() }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/teams',
    operationId: 'createSupportTeam',
    tags,
    access: admin,
    errors: [409, 422],
    summary: 'Create a team',
    schema: { body: S.TeamBody, response: { 201: RefTo(S.TeamView) } },
    handler: async (request, reply) => reply.code(201).send(await s.agents.saveTeam(request.principal!, null, request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/support/teams/:id',
    operationId: 'updateSupportTeam',
    tags,
    access: admin,
    errors: [404, 409, 422],
    summary: "Change a team's name, address, business hours or members",
    schema: { params: IdParams, body: S.TeamPatch, response: { 200: RefTo(S.TeamView) } },
    handler: async (request) => s.agents.saveTeam(request.principal!, request.params.id, request.body),
  })

  // ---- canned responses and macros ----
  route(app, {
    method: 'GET',
    url: '/v1/support/canned-responses',
    operationId: 'listCannedResponses',
    tags,
    access: agentUser,
    summary: 'Canned responses, by shortcut or title (q), for the composer’s /shortcut menu',
    schema: {
      querystring: Type.Object(
        {
          q: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(RefTo(S.CannedView)) }) },
    },
    handler: async (request) => ({ items: await s.canned.list(request.query.q, request.query.limit ?? 50) }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/canned-responses',
    operationId: 'createCannedResponse',
    tags,
    access: agentUser,
    errors: [409],
    summary: 'Create a canned response (Liquid placeholders: customer.name, customer.email, ticket.number, ticket.subject, agent.name)',
    schema: { body: S.CannedBody, response: { 201: RefTo(S.CannedView) } },
    handler: async (request, reply) => reply.code(201).send(await s.canned.create(request.principal!, request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/support/canned-responses/:id',
    operationId: 'updateCannedResponse',
    tags,
    access: agentUser,
    errors: [404, 409],
    summary: 'Change a canned response',
    schema: {
      params: IdParams,
      body: Type.Partial(S.CannedBody, { additionalProperties: false, minProperties: 1 }),
      response: { 200: RefTo(S.CannedView) },
    },
    handler: async (request) => s.canned.update(request.principal!, request.params.id, request.body),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/support/canned-responses/:id',
    operationId: 'deleteCannedResponse',
    tags,
    access: agentUser,
    errors: [404],
    summary: 'Delete a canned response',
    schema: { params: IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await s.canned.remove(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/canned-responses/:id/render',
    operationId: 'renderCannedResponse',
    tags,
    access: agentUser,
    errors: [404, 422],
    summary: "A canned response's text filled in for a ticket",
    schema: { params: IdParams, body: S.RenderCannedBody, response: { 200: Type.Object({ text: Type.String() }) } },
    handler: async (request) => s.canned.render(request.principal!, request.params.id, request.body.ticketId),
  })
  route(app, {
    method: 'GET',
    url: '/v1/support/macros',
    operationId: 'listMacros',
    tags,
    access: agentUser,
    summary: 'Macros',
    schema: { response: { 200: Type.Object({ items: Type.Array(RefTo(S.MacroView)) }) } },
    handler: async () => ({ items: await s.canned.macros.list() }),
  })
  route(app, {
    method: 'POST',
    url: '/v1/support/macros',
    operationId: 'createMacro',
    tags,
    access: admin,
    errors: [409],
    summary: 'Create a macro',
    schema: { body: S.MacroBody, response: { 201: RefTo(S.MacroView) } },
    handler: async (request, reply) => reply.code(201).send(await s.canned.macros.create(request.principal!, request.body)),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/support/macros/:id',
    operationId: 'updateMacro',
    tags,
    access: admin,
    errors: [404, 409],
    summary: 'Change a macro',
    schema: {
      params: IdParams,
      body: Type.Partial(S.MacroBody, { additionalProperties: false, minProperties: 1 }),
      response: { 200: RefTo(S.MacroView) },
    },
    handler: async (request) => s.canned.macros.update(request.principal!, request.params.id, request.body),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/support/macros/:id',
    operationId: 'deleteMacro',
    tags,
    access: admin,
    errors: [404],
    summary: 'Delete a macro',
    schema: { params: IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await s.canned.macros.remove(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })

  // ---- settings and analytics ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/support/settings',
    operationId: 'getSupportSettings',
    tags,
    access: admin,
    summary: 'SLA targets per priority, warning time, auto-close, auto-offline, CSAT',
    schema: { response: { 200: RefTo(S.SupportSettingsView) } },
    handler: async () => s.settings.read(),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/support/settings',
    operationId: 'updateSupportSettings',
    tags,
    access: admin,
    summary: 'Change the support settings (audited)',
    schema: { body: S.SupportSettingsPatch, response: { 200: RefTo(S.SupportSettingsView) } },
    handler: async (request) => s.settings.write(request.principal!, request.body),
  })
  route(app, {
    method: 'GET',
    url: '/v1/support/analytics',
    operationId: 'getSupportAnalytics',
    tags,
    access: agentReader,
    summary: 'Tickets and conversations created and solved, response and resolution times, SLA breaches, CSAT and workload',
    description: 'Times are business minutes of each ticket’s team (median and p90). At most 366 days.',
    schema: { querystring: S.AnalyticsQuery, response: { 200: RefTo(S.AnalyticsView) } },
    handler: async (request) => s.analytics(request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/support/analytics/export',
    operationId: 'exportSupportAnalytics',
    tags,
    access: agentReader,
    summary: 'The same figures as CSV',
    schema: { querystring: S.AnalyticsQuery, response: { 200: Type.String({ description: 'text/csv' }) } },
    handler: async (request, reply) => {
      const result = await s.analytics(request.query)
      return sendCsv(reply, `support-${result.groupBy}.csv`, analyticsCsv(result))
    },
  })

  // ---- inbound mail (raw body: the signature covers the exact bytes) ----
  rawBodyRoutes(app, 30 * 1024 * 1024, (scope) => {
    route(scope, {
      method: 'POST',
      url: '/v1/webhooks/support/sendgrid',
      operationId: 'supportInboundSendgrid',
      tags: ['support'],
      access: auth.public,
      errors: [404],
      summary: 'Mail to a support address, from SendGrid Inbound Parse (signed); becomes a ticket or a reply',
      description:
        'Turn on the security policy of the Parse setting and put its public key in the support settings (sendgridInboundKey). Auto-replies, bounces and mail stored before are answered 200 and ignored.',
      schema: { response: { 200: Type.Object({ outcome: Type.String() }) } },
      handler: async (request) => {
        return s.email.inboundSendgrid(signedRequest(request))
      },
    })
  })
}
