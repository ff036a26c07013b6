import { Type } from 'typebox'
import type { Auth } from '../../core/http/auth'
import { clientContext } from '../../core/http/client-context'
import { idempotencyInService, type Idempotency } from '../../core/http/idempotency'
import { route, type App } from '../../core/http/route'
import { rawBodyRoutes, signedRequest } from '../../core/http/webhooks'
import { Id, IdParams, Page, RefTo } from '../../core/http/schemas'
import { analyticsCsv } from './analytics'
import { testGatewayPagePath } from './gateways/test'
import * as S from './schemas'
import type { PaymentsService } from './service'
import { testGatewayPage } from './test-page'
import { sendCsv } from '../../core/http/csv-reply'

export { paymentSchemas, paymentTags } from './schemas'

/** fa when the browser asks for Persian first (or ?lang=fa), else en. */
function pageLocale(query: { lang?: string }, acceptLanguage: string | undefined): 'fa' | 'en' {
  if (query.lang === 'fa' || query.lang === 'en') return query.lang
  return /^\s*fa\b/i.test(acceptLanguage ?? '') ? 'fa' : 'en'
}

export function paymentsRoutes(app: App, deps: { payments: PaymentsService; auth: Auth; idempotency: Idempotency }) {
  const { payments: p, auth } = deps
  const payer = auth.require({ apiKeyScope: 'payments:write' })
  const reader = auth.require({ apiKeyScope: 'payments:read' })
  const refunder = auth.require({ roles: ['admin'], apiKeyScope: 'payments:refund' })
  const admin = auth.require({ roles: ['admin'] })
  const tags = ['payments']

  route(app, {
    method: 'POST',
    url: '/v1/payments',
    operationId: 'createPayment',
    tags,
    access: payer,
    errors: [404, 422, 503],
    // The key is kept on the payment row itself (creation.ts): one write instead of three.
    idempotency: idempotencyInService,
    moneyWrite: true,
    deviceId: true,
    summary: 'Create a payment and get where to send the payer',
    description:
      'Routes the payment to a gateway by currency, amount and country (or the one named), falling back to the next when a gateway is down. Send the payer to nextAction.url. A customer creates payments for themselves; an admin or an API key (payments:write) names the customer. Bodies holding a card number are refused. Fraud rules may refuse it (403 fraud_blocked, nothing created; see docs/fraud.md).',
    schema: { body: S.CreatePaymentBody, response: { 201: RefTo(S.PaymentView) } },
    handler: async (request, reply) => {
      const { created, payment } = await p.create(request.principal!, request.body, request.idempotency?.key, clientContext(request))
      // A retry gets the first answer again (as it stands now), marked as such.
      if (!created) reply.header('idempotent-replayed', 'true')
      return reply.code(201).send(payment)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/payments',
    operationId: 'listPayments',
    tags,
    access: reader,
    summary: 'Payments, newest first, by customer, status, gateway, purpose and date (a customer sees their own)',
    schema: { querystring: S.PaymentQuery, response: { 200: Page(RefTo(S.PaymentView)) } },
    handler: async (request) => p.list(request.principal!, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/payments/options',
    operationId: 'paymentOptions',
    tags,
    access: reader,
    summary: 'What a payer can pay with now, and how IRR amounts are shown (toman or rial)',
    schema: { response: { 200: RefTo(S.PaymentOptions) } },
    handler: async () => p.options(),
  })
  route(app, {
    method: 'GET',
    url: '/v1/payments/:id',
    operationId: 'getPayment',
    tags,
    access: reader,
    errors: [404],
    summary: 'A payment with its attempts (the route it took) and refunds',
    schema: { params: IdParams, response: { 200: RefTo(S.PaymentDetail) } },
    handler: async (request) => p.detail(request.principal!, request.params.id),
  })
  route(app, {
    method: 'POST',
    url: '/v1/payments/:id/cancel',
    operationId: 'cancelPayment',
    tags,
    access: payer,
    errors: [404, 409],
    summary: 'Cancel a payment the payer has not paid',
    description: 'The gateway is asked first: a payment it reports paid is settled as succeeded and the cancel is refused (409).',
    schema: { params: IdParams, response: { 200: RefTo(S.PaymentView) } },
    handler: async (request) => p.cancel(request.principal!, request.params.id),
  })
  route(app, {
    method: 'POST',
    url: '/v1/payments/:id/gateway',
    operationId: 'switchPaymentGateway',
    tags,
    access: payer,
    errors: [404, 409, 422, 503],
    summary: 'Pay an unpaid payment at another gateway (the wallet, for one)',
    description:
      'The open attempt is asked first (a payment it reports paid is settled and the switch refused, 409 payment_not_open), closed at its gateway where the gateway can, and a new attempt started: send the payer to nextAction.url. Asking again for the same gateway answers the attempt open there. Money that still arrives on the old attempt is refunded automatically when the new one paid too.',
    schema: { params: IdParams, body: S.SwitchGatewayBody, response: { 200: RefTo(S.PaymentView) } },
    handler: async (request) => p.switchGateway(request.principal!, request.params.id, request.body.gateway),
  })
  route(app, {
    method: 'POST',
    url: '/v1/payments/:id/refunds',
    operationId: 'refundPayment',
    tags,
    access: refunder,
    errors: [404, 409, 422],
    idempotency: deps.idempotency,
    moneyWrite: true,
    summary: 'Refund a payment in full or in part',
    description:
      "The sum of refunds never exceeds what was captured, whatever runs at once. An admin's refund goes at once; an API key's goes at once when a refund policy covers it, else it waits for an admin's approval.",
    schema: { params: IdParams, body: S.RefundBody, response: { 201: RefTo(S.RefundView) } },
    handler: async (request, reply) =>
      reply.code(201).send(await p.refunds.request(request.principal!, request.params.id, request.body, request.idempotency?.key)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/refunds',
    operationId: 'listRefunds',
    tags,
    access: admin,
    summary: 'Refunds, newest first; status=awaiting_approval is the approval queue',
    schema: { querystring: S.RefundQuery, response: { 200: Page(RefTo(S.RefundView)) } },
    handler: async (request) => p.refunds.list(request.query),
  })
  for (const [verb, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    route(app, {
      method: 'POST',
      url: `/v1/admin/refunds/:id/${verb}`,
      operationId: approve ? 'approveRefund' : 'rejectRefund',
      tags,
      access: admin,
      errors: [404, 409],
      summary: approve ? 'Approve a refund waiting in the queue: it goes to the gateway' : 'Reject a refund waiting in the queue',
      schema: { params: IdParams, response: { 200: RefTo(S.RefundView) } },
      handler: async (request) => p.refunds.decide(request.principal!, request.params.id, approve),
    })
  }

  // ---- admin: analytics ----
  route(app, {
    method: 'GET',
    url: '/v1/payments/analytics',
    operationId: 'getPaymentAnalytics',
    tags,
    access: admin,
    summary: 'Volume, success rate, average ticket, refunds and failure reasons per currency; wallet liabilities',
    description:
      'Figures of the payments created in [from, to) (the last 30 days by default, at most 366), per currency (never added across currencies), in total and by local day (timezone, Asia/Tehran by default), gateway or currency. Definitions in docs/payments.md.',
    schema: { querystring: S.PaymentAnalyticsQuery, response: { 200: RefTo(S.PaymentAnalyticsView) } },
    handler: async (request) => p.analytics(request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/payments/analytics/export',
    operationId: 'exportPaymentAnalytics',
    tags,
    access: admin,
    summary: 'The same figures as CSV: a row per group and currency, then a total row per currency',
    schema: { querystring: S.PaymentAnalyticsQuery, response: { 200: Type.String({ description: 'text/csv' }) } },
    handler: async (request, reply) => {
      const result = await p.analytics(request.query)
      return sendCsv(reply, `payments-${result.groupBy}.csv`, analyticsCsv(result))
    },
  })

  // ---- admin: gateways and settings ----
  route(app, {
    method: 'GET',
    url: '/v1/admin/payment-gateways',
    operationId: 'listPaymentGateways',
    tags,
    access: admin,
    summary: 'The gateways, whether each is enabled, its settings (secrets masked) and its circuit state',
    schema: { response: { 200: Type.Array(RefTo(S.GatewayView)) } },
    handler: async () => p.gateways.list(),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/admin/payment-gateways/:name',
    operationId: 'configurePaymentGateway',
    tags,
    access: admin,
    summary: "Set a gateway's credentials and switch it on or off (applies at once on every node)",
    schema: { params: S.GatewayParams, body: S.GatewaySettingsBody, response: { 200: RefTo(S.GatewayView) } },
    handler: async (request) => p.gateways.configure(request.principal!, request.params.name, request.body),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/admin/payment-gateways/:name',
    operationId: 'removePaymentGateway',
    tags,
    access: admin,
    errors: [404],
    summary: "Forget a gateway's settings",
    schema: { params: S.GatewayParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await p.gateways.remove(request.principal!, request.params.name)
      return reply.code(204).send(null)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/payment-settings',
    operationId: 'getPaymentSettings',
    tags,
    access: admin,
    summary: 'Routing rules, payment expiry and refund policies',
    schema: { response: { 200: S.PaymentSettingsView } },
    handler: async () => p.settings.read(),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/payment-settings',
    operationId: 'updatePaymentSettings',
    tags,
    access: admin,
    summary: 'Change routing rules, payment expiry or refund policies (applies at once on every node)',
    schema: { body: S.PaymentSettingsPatch, response: { 200: S.PaymentSettingsView } },
    handler: async (request) => p.settings.write(request.principal!, request.body),
  })

  // ---- the payer's browser ----
  route(app, {
    method: 'GET',
    url: '/v1/payments/return/:attemptId',
    operationId: 'paymentReturn',
    tags,
    access: auth.public,
    errors: [404],
    summary: "Where gateways send the payer back: confirms with the gateway, then redirects to the payment's returnUrl",
    description: 'The query the gateway adds is passed to it, never trusted: success is what the gateway confirms server-side.',
    schema: {
      params: Type.Object({ attemptId: Id }),
      // Whatever the gateway appends (Authority and Status, session_id, token…), handed to it as text.
      querystring: Type.Object({}, { additionalProperties: Type.String({ maxLength: 2048 }), maxProperties: 20 }),
      response: { 303: Type.Null() },
    },
    handler: async (request, reply) =>
      reply.redirect(await p.returned(request.params.attemptId, request.query as Record<string, string>), 303),
  })
  route(app, {
    method: 'GET',
    url: testGatewayPagePath(':reference'),
    operationId: 'testGatewayPage',
    tags,
    access: auth.public,
    errors: [404],
    summary: "The built-in test gateway's payment page (Pay / Fail), in fa or en",
    schema: {
      params: Type.Object({ reference: Type.String({ pattern: '^tg_[0-9a-f]{24}$' }) }),
      querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })) }),
      response: { 200: Type.String({ description: 'text/html' }) },
    },
    handler: async (request, reply) => {
      const charge = await p.testGateway.charge(request.params.reference)
      const locale = pageLocale(request.query, request.headers['accept-language'])
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(testGatewayPage(charge, locale, testGatewayPagePath(charge.reference)))
    },
  })
  app.register(async (scope) => {
    // The page posts an HTML form.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    )
    route(scope, {
      method: 'POST',
      url: testGatewayPagePath(':reference'),
      operationId: 'testGatewayChoose',
      tags,
      access: auth.public,
      errors: [404],
      summary: 'The payer chose Pay or Fail on the test gateway: back to the return page',
      schema: {
        params: Type.Object({ reference: Type.String({ pattern: '^tg_[0-9a-f]{24}$' }) }),
        body: Type.Object({ choice: Type.Union([Type.Literal('pay'), Type.Literal('fail')]) }),
        response: { 303: Type.Null() },
      },
      handler: async (request, reply) => reply.redirect(await p.testGateway.choose(request.params.reference, request.body.choice), 303),
    })
  })

  // ---- gateway webhooks (raw body: signatures cover the exact bytes) ----
  rawBodyRoutes(app, 1024 * 1024, (scope) => {
    route(scope, {
      method: 'POST',
      url: '/v1/webhooks/payments/:name',
      operationId: 'paymentGatewayWebhook',
      tags: ['payment-webhooks'],
      access: auth.public,
      errors: [404],
      summary: 'Signed events from a gateway (Stripe, PayPal); each processed once',
      description: 'Give the gateway this URL with its name. A bad signature is refused with 400 and written to the audit log.',
      schema: { params: S.GatewayParams, response: { 200: S.WebhookAnswer } },
      handler: async (request) => {
        return p.webhook(request.params.name, signedRequest(request))
      },
    })
  })
}
