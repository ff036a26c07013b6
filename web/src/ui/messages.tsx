// Words for outcomes, shared by every page: a CaravanError in words (problemMessage, used by
// ProblemAlert), and status messages kept as "how to say it" so they follow a language switch.
import { CaravanError } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n, type Translate } from '../i18n'

export function asCaravanError(error: unknown): CaravanError {
  if (error instanceof CaravanError) return error
  return new CaravanError({ type: 'internal', title: String(error), status: 0 })
}

const KNOWN_PROBLEMS = [
  'validation',
  'invalid_credentials',
  'email_taken',
  'rate_limited',
  'network_error',
  'unauthorized',
  'invalid_token',
  'forbidden',
  'not_found',
  'conflict',
  'idempotency_in_progress',
  'idempotency_mismatch',
  'card_number_refused',
  'gateway_unavailable',
  'gateway_refused',
  'payment_not_cancelable',
  'payment_not_refundable',
  'refund_exceeds_captured',
  'refund_not_awaiting',
  'insufficient_funds',
  'wallet_limit_exceeded',
  'withdrawal_decided',
  'fraud_blocked',
  'fraud_review_open',
] as const

export function problemMessage(t: Translate, error: CaravanError): string {
  const code = error.code as (typeof KNOWN_PROBLEMS)[number]
  return KNOWN_PROBLEMS.includes(code) ? t(`error.${code}`) : t('error.generic')
}

/** How to say a message: kept instead of the text, so a shown message follows a language switch. */
export type Say = (t: Translate) => string

/** A status message as [its text in the current language, set it (null clears)]. */
export function useMessage(): [string | null, (say: Say | null) => void] {
  const { t } = useI18n()
  const [say, setSay] = useState<Say | null>(null)
  return [say ? say(t) : null, (next) => setSay(() => next)]
}

/** A polite live region that is always present, so screen readers announce its new text. */
export function StatusMessage({ message, tone = 'success' }: { message: string | null; tone?: 'success' | 'info' }) {
  return (
    <div className={message ? `alert ${tone}` : 'visually-hidden'} role="status">
      {message}
    </div>
  )
}
