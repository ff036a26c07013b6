// The fraud module's fixed vocabularies (as the server names them) and the words for what the
// rules found: each reason of an assessment as a sentence in the page's language, built from its
// `values` (the observed figure and the limit), never from the server's English `detail`.
import type { Currency, FraudAssessment } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { useMoney } from '../payments/useMoney'

export type AssessedOperation = FraudAssessment['operation']
export type Reason = FraudAssessment['reasons'][number]
export type ReviewStatus = NonNullable<FraudAssessment['review']>['status']
export type BlocklistKind = 'email_domain' | 'ip' | 'device' | 'card_fingerprint'
export type RuleOperation = Exclude<AssessedOperation, 'payment_capture'>
export type RuleAction = 'review' | 'block'

export const REVIEW_STATUSES: ReviewStatus[] = ['open', 'approved', 'rejected']
export const BLOCKLIST_KINDS: BlocklistKind[] = ['email_domain', 'ip', 'device', 'card_fingerprint']
export const RULE_OPERATIONS: RuleOperation[] = ['payment', 'wallet_payment', 'transfer', 'withdrawal']
export const SUBJECTS = ['user', 'ip', 'device'] as const

/** The fact of an assessment each blocklist kind lists (rejecting a review can list them). */
export const FACT_OF_KIND: Record<BlocklistKind, 'emailDomain' | 'ip' | 'deviceId' | 'cardFingerprint'> = {
  email_domain: 'emailDomain',
  ip: 'ip',
  device: 'deviceId',
  card_fingerprint: 'cardFingerprint',
}

const TONES: Record<ReviewStatus, string> = { open: 'warning', approved: 'success', rejected: 'danger' }

/** A review's status in words, coloured (the words carry the meaning, not the colour). */
export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  const { t } = useI18n()
  return <span className={`status pay-tone-${TONES[status]}`}>{t(`fraud.status.${status}`)}</span>
}

/** A window of seconds in the largest whole unit: 600 → "10 minutes", 86400 → "1 day". */
export const WINDOW_UNITS = [
  { unit: 'days', seconds: 86_400 },
  { unit: 'hours', seconds: 3_600 },
  { unit: 'minutes', seconds: 60 },
  { unit: 'seconds', seconds: 1 },
] as const
export type WindowUnit = (typeof WINDOW_UNITS)[number]['unit']

export function splitWindow(seconds: number): { amount: number; unit: WindowUnit } {
  const fit = WINDOW_UNITS.find((u) => seconds % u.seconds === 0) ?? WINDOW_UNITS[3]
  return { amount: seconds / fit.seconds, unit: fit.unit }
}

export const secondsOf = (amount: number, unit: WindowUnit): number => amount * WINDOW_UNITS.find((u) => u.unit === unit)!.seconds

const isCurrency = (value: string | undefined): value is Currency =>
  value === 'IRR' || value === 'USD' || value === 'EUR' || value === 'BTC' || value === 'ETH'

/** A country code as its name in the page's language ("Germany (DE)"); the code alone if unknown. */
function useCountryName() {
  const { locale } = useI18n()
  const names = new Intl.DisplayNames(locale === 'fa' ? 'fa-IR' : 'en-GB', { type: 'region', fallback: 'none' })
  return (code: string) => {
    let name: string | undefined
    try {
      name = /^[A-Z]{2}$/.test(code) ? names.of(code) : undefined
    } catch {
      name = undefined
    }
    return name ? `${name} (${code})` : code
  }
}

/** Words for the rules' findings: a reason as a sentence, a window as a duration. */
export function useFraudWords() {
  const { t } = useI18n()
  const { money } = useMoney()
  const country = useCountryName()

  const duration = (seconds: number) => {
    const { amount, unit } = splitWindow(seconds)
    return t(`fraud.duration.${unit}`, { n: amount })
  }

  /** "This customer made 61 operations within 10 minutes, over the limit of 60." */
  const reason = (r: Reason): string => {
    const v = r.values
    const number = (text: string | undefined) => Number(text ?? NaN)
    const amount = (minor: string | undefined) => (minor !== undefined && isCurrency(v.currency) ? money(minor, v.currency) : (minor ?? ''))
    switch (r.rule) {
      case 'velocity': {
        const window = duration(number(v.windowSeconds))
        if (v.measure === 'amount')
          return t('fraud.reason.velocityAmount', {
            subject: v.subject ?? '',
            observed: amount(v.observed),
            limit: amount(v.limit),
            window,
          })
        // A busy window is counted only up to past its limit: then the figure is a lower bound, not shown.
        if (v.atLeast === 'true') return t('fraud.reason.velocityCountOver', { subject: v.subject ?? '', limit: number(v.limit), window })
        return t('fraud.reason.velocityCount', { subject: v.subject ?? '', observed: number(v.observed), limit: number(v.limit), window })
      }
      case 'account_age':
        return t('fraud.reason.accountAge', {
          age: number(v.ageDays),
          maxAge: number(v.maxAgeDays),
          observed: amount(v.observed),
          limit: amount(v.limit),
        })
      case 'blocklist':
        return t('fraud.reason.blocklist', { kind: v.kind ?? r.id, value: v.value ?? '' })
      case 'country_mismatch':
        return t('fraud.reason.country', { payment: country(v.payment ?? ''), known: country(v.known ?? '') })
      default:
        // A rule this page does not know yet: the server's own words.
        return r.detail
    }
  }

  /** "+40 points, forces a review" */
  const weight = (r: Reason): string =>
    r.action ? t('fraud.reason.weightForced', { score: r.score, action: r.action }) : t('fraud.reason.weight', { score: r.score })

  return { reason, weight, duration }
}

/** The reasons of an assessment as a list of sentences, each with its rule's name and weight. */
export function ReasonList({ reasons, compact = false }: { reasons: Reason[]; compact?: boolean }) {
  const { t } = useI18n()
  const words = useFraudWords()
  if (reasons.length === 0) return <p className="muted">{t('fraud.detail.noReasons')}</p>
  return (
    <ul className={compact ? 'fraud-reasons compact' : 'fraud-reasons'}>
      {reasons.map((r, i) => (
        <li key={`${r.rule}:${r.id}:${i}`}>
          <span>{words.reason(r)}</span>{' '}
          <span className="fraud-reason-meta">
            {r.rule !== 'blocklist' && r.rule !== 'country_mismatch' && (
              <>
                <code dir="ltr">{r.id}</code>
                {' · '}
              </>
            )}
            {words.weight(r)}
          </span>
        </li>
      ))}
    </ul>
  )
}

/** The fraud module's own problem types, said in words (the kit's ProblemAlert knows the common ones). */
export const fraudCode = (error: unknown): string | null => (error instanceof CaravanError ? error.code : null)
