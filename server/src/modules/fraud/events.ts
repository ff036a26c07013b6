// What the fraud module tells other modules (an alerting hook, the console's feed): raised inside
// its transactions, published after commit. In-process only: no socket audience, since a demoted
// admin's open socket would keep hearing them.
import type { AssessmentView } from './schemas'

declare module '../../core/events/bus' {
  interface DomainEvents {
    /** An operation was refused (the assessment says why). */
    'fraud.blocked': { assessment: AssessmentView }
    /** An assessment went to the review queue. */
    'fraud.review_opened': { assessment: AssessmentView }
    /** An admin approved or rejected a review. */
    'fraud.review_decided': { assessment: AssessmentView }
  }
}
