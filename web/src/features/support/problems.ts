// The desk's refusals in words: the server's support codes (a closed ticket, a merge that cannot
// be, a rating given twice or too early); files and the rest as chat and the app say them.
import type { CaravanError } from '@caravan/sdk'
import type { MessageKey, Translate } from '../../i18n'
import { chatProblem } from '../chat/problems'

const SUPPORT_PROBLEMS: Record<string, MessageKey> = {
  ticket_closed: 'support.error.closed',
  tickets_not_mergeable: 'support.error.notMergeable',
  ticket_not_solved: 'support.error.notSolved',
  csat_already_given: 'support.error.alreadyRated',
}

export function supportProblem(t: Translate, error: CaravanError): string {
  const key = SUPPORT_PROBLEMS[error.code]
  return key ? t(key) : chatProblem(t, error)
}
