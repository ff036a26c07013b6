import { Type } from 'typebox'
import type { Auth } from '../../core/http/auth'
import type { Idempotency } from '../../core/http/idempotency'
import { route, type App } from '../../core/http/route'
import { IdParams, Page, RefTo } from '../../core/http/schemas'
import * as S from './schemas'
import type { FraudService } from './service'

export { fraudSchemas, fraudTags } from './schemas'

export function fraudRoutes(app: App, deps: { fraud: FraudService; auth: Auth; idempotency: Idempotency }) {
  const { fraud, auth, idempotency } = deps
  const admin = auth.require({ roles: ['admin'] })
  const tags = ['fraud']

  route(app, {
    method: 'GET',
    url: '/v1/admin/fraud/rules',
    operationId: 'getFraudRules',
    tags,
    access: admin,
    summary: 'The fraud rules, with the version a change must name',
    schema: { response: { 200: RefTo(S.FraudRulesView) } },
    handler: async () => fraud.rules.read(),
  })
  route(app, {
    method: 'PUT',
    url: '/v1/admin/fraud/rules',
    operationId: 'updateFraudRules',
    tags,
    access: admin,
    errors: [409],
    idempotency,
    summary: 'Replace the fraud rules (applies at once on every node; audited)',
    description:
      'The whole document, with the `version` it was read at: a change made meanwhile by someone else is 409 fraud_rules_changed and nothing is written. Invalid rules (review above block, a velocity rule with neither maxCount nor maxAmount, an id used twice) are 400 and nothing changes.',
    schema: { body: S.UpdateFraudRulesBody, response: { 200: RefTo(S.FraudRulesView) } },
    handler: async (request) => fraud.rules.write(request.principal!, request.body),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/fraud/reviews',
    operationId: 'listFraudReviews',
    tags,
    access: admin,
    summary: 'The review queue, newest first; status=open is what waits for a decision',
    schema: { querystring: S.ReviewQuery, response: { 200: Page(RefTo(S.AssessmentView)) } },
    handler: async (request) => fraud.reviews(request.query),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/fraud/reviews/:id/approve',
    operationId: 'approveFraudReview',
    tags,
    access: admin,
    errors: [404, 409],
    idempotency,
    summary: 'Approve a review: what it holds may go ahead (a withdrawal can then be approved)',
    description: 'Two admins at once make one decision; the other gets 409 fraud_review_decided. Audited.',
    schema: { params: IdParams, body: S.ApproveReviewBody, response: { 200: RefTo(S.AssessmentView) } },
    handler: async (request) => fraud.approveReview(request.principal!, request.params.id, request.body ?? {}),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/fraud/reviews/:id/reject',
    operationId: 'rejectFraudReview',
    tags,
    access: admin,
    errors: [404, 409, 422],
    idempotency,
    summary: 'Reject a review: a withdrawal it holds is rejected and its amount released',
    description:
      'Optionally puts the assessment’s facts on the blocklist (`block`: email_domain, ip, device, card_fingerprint — those it has). An operation that already went through (a payment, a wallet payment or transfer) is not undone: refund or adjust it by hand. Two admins at once make one decision; the other gets 409. Audited.',
    schema: { params: IdParams, body: S.RejectReviewBody, response: { 200: RefTo(S.AssessmentView) } },
    handler: async (request) => fraud.rejectReview(request.principal!, request.params.id, request.body ?? {}),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/fraud/assessments',
    operationId: 'listFraudAssessments',
    tags,
    access: admin,
    summary: 'Assessments, newest first, by user, decision, operation or what they are about (ref)',
    schema: { querystring: S.AssessmentQuery, response: { 200: Page(RefTo(S.AssessmentView)) } },
    handler: async (request) => fraud.assessments(request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/fraud/assessments/:id',
    operationId: 'getFraudAssessment',
    tags,
    access: admin,
    errors: [404],
    summary: 'One assessment with its facts, score, decision and reasons',
    schema: { params: IdParams, response: { 200: RefTo(S.AssessmentView) } },
    handler: async (request) => fraud.assessment(request.params.id),
  })

  route(app, {
    method: 'GET',
    url: '/v1/admin/fraud/blocklist',
    operationId: 'listFraudBlocklist',
    tags,
    access: admin,
    summary: 'Blocklist entries, newest first, by kind',
    schema: { querystring: S.BlocklistQuery, response: { 200: Page(RefTo(S.BlocklistEntryView)) } },
    handler: async (request) => fraud.blocklist.list(request.query),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/fraud/blocklist',
    operationId: 'addFraudBlocklistEntry',
    tags,
    access: admin,
    errors: [409, 422],
    idempotency,
    summary: 'Put an e-mail domain, an IP or CIDR range, a device or a card fingerprint on the blocklist',
    description:
      'Applies at once on every node. A domain also lists its subdomains; an address may be IPv4 or IPv6, with a /prefix for a range. 409 fraud_blocklist_exists when listed already; 422 fraud_blocklist_full past 10,000 entries. Audited.',
    schema: { body: S.BlocklistBody, response: { 201: RefTo(S.BlocklistEntryView) } },
    handler: async (request, reply) => reply.code(201).send(await fraud.blocklist.add(request.principal!, request.body)),
  })
  route(app, {
    method: 'DELETE',
    url: '/v1/admin/fraud/blocklist/:id',
    operationId: 'removeFraudBlocklistEntry',
    tags,
    access: admin,
    errors: [404],
    idempotency,
    summary: 'Take an entry off the blocklist (applies at once on every node; audited)',
    schema: { params: IdParams, response: { 204: Type.Null() } },
    handler: async (request, reply) => {
      await fraud.blocklist.remove(request.principal!, request.params.id)
      return reply.code(204).send(null)
    },
  })
}
