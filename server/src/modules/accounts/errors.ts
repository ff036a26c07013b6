// The problem types only the accounts module raises.
import { defineProblemTypes } from '../../core/http/errors'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    email_taken: true
    email_not_verified: true
    invalid_signature: true
  }
}

defineProblemTypes({
  email_taken: { status: 409, title: 'An account with this email already exists' },
  email_not_verified: { status: 403, title: 'The email address is not verified yet' },
  invalid_signature: { status: 401, title: 'The identity signature is not valid' },
})
