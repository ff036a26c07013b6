// Assessment rows as the admin API shows them.
import type { AssessmentRow } from './repo'
import type { AssessmentView } from './schemas'

export const assessmentView = (a: AssessmentRow): AssessmentView => ({
  id: a.id,
  operation: a.operation,
  userId: a.userId,
  ref: a.ref,
  amount: a.amount.toString(),
  currency: a.currency,
  ip: a.ip,
  deviceId: a.deviceId,
  emailDomain: a.emailDomain,
  country: a.country,
  cardFingerprint: a.cardFingerprint,
  score: a.score,
  decision: a.decision,
  reasons: a.reasons,
  rulesVersion: a.rulesVersion,
  actor: a.actor,
  review: a.reviewStatus
    ? { status: a.reviewStatus, decidedBy: a.reviewedBy, decidedAt: a.reviewedAt?.toISOString() ?? null, note: a.reviewNote }
    : null,
  createdAt: a.createdAt.toISOString(),
})
