// The problem types only the fraud module raises. `fraud_blocked` says nothing about why: the
// reasons are for the reviewers (GET /v1/admin/fraud/assessments), never for the caller.
import { defineProblemTypes } from '../../core/http/errors'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    fraud_blocked: true
    fraud_review_open: true
    fraud_review_decided: true
    fraud_rules_changed: true
    fraud_blocklist_exists: true
    fraud_blocklist_full: true
  }
}

defineProblemTypes({
  fraud_blocked: { status: 403, title: 'This operation cannot be completed' },
  fraud_review_open: { status: 409, title: 'A fraud review holds this: it can be approved only once the review approves it' },
  fraud_review_decided: { status: 409, title: 'The review was decided already' },
  fraud_rules_changed: { status: 409, title: 'The rules changed since they were read: read them again' },
  fraud_blocklist_exists: { status: 409, title: 'The value is on the blocklist already' },
  fraud_blocklist_full: { status: 422, title: 'The blocklist is full' },
})
