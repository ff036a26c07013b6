import type { RefundReason, WalletHold, WalletTransaction } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { REFUND_REASONS } from '../payments/labels'

type Entry = Pick<WalletTransaction | WalletHold, 'kind' | 'ref' | 'memo'>

// Whose `ref` is the customer's payment (the top-up, or the payment a refund came from): it opens
// that payment's page. Other refs (a wallet payment's order, a withdrawal) are shown as they are.
const PAYMENT_REFS = new Set<Entry['kind']>(['topup', 'topup_reversal', 'refund'])

/**
 * What a transaction's memo says: a refund's is the refund reason (a code, put in words); the rest
 * were written by people (a transfer's note, a payment's description, a withdrawal's account).
 */
export function Memo({ entry }: { entry: Entry }) {
  const { t } = useI18n()
  const { memo, kind } = entry
  if (!memo) return null
  if ((kind === 'refund' || kind === 'topup_reversal') && (REFUND_REASONS as string[]).includes(memo))
    return <>{t(`refundReason.${memo as RefundReason}`)}</>
  return <bdi>{memo}</bdi>
}

/** The reference cell of a transaction: its memo and its reference, or a dash. */
export function Reference({ entry }: { entry: Entry }) {
  const { t } = useI18n()
  if (!entry.ref && !entry.memo) return <>{t('common.none')}</>
  const code = entry.ref && (
    <code dir="ltr" className="wrap-anywhere">
      {entry.ref}
    </code>
  )
  return (
    <span className="wallet-reference">
      {entry.memo && (
        <span>
          <Memo entry={entry} />
        </span>
      )}
      {entry.ref && PAYMENT_REFS.has(entry.kind) ? (
        <Link to={`/pay/result?payment_id=${encodeURIComponent(entry.ref)}`}>{code}</Link>
      ) : (
        code
      )}
    </span>
  )
}
