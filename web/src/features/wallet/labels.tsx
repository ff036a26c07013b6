// The wallet's fixed vocabularies (as the server names them) and small pieces its pages share:
// a withdrawal's status badge, a ledger account's name.
import type { LedgerAccount, Withdrawal, WithdrawalStatus } from '@caravan/sdk'
import { useI18n, type MessageKey } from '../../i18n'
import { useGatewayName } from '../payments/labels'

export const WITHDRAWAL_STATUSES: WithdrawalStatus[] = ['pending', 'approved', 'rejected', 'expired']
export const TRANSFER_KINDS = ['topup', 'topup_reversal', 'payment', 'transfer', 'adjustment', 'refund', 'withdrawal'] as const

const TONES: Record<WithdrawalStatus, string> = { pending: 'warning', approved: 'success', rejected: 'danger', expired: 'neutral' }

/** A withdrawal's status in words, coloured (the words carry the meaning, not the colour). */
export function WithdrawalStatusBadge({ status }: { status: Withdrawal['status'] }) {
  const { t } = useI18n()
  return <span className={`status pay-tone-${TONES[status]}`}>{t(`withdrawalStatus.${status}`)}</span>
}

const PLATFORM_CODES = new Set([
  'adjustments',
  'revenue',
  'fees',
  'promotion_liability',
  'loyalty_liability',
  'refunds_payable',
  'withdrawals_payable',
])

/** A platform account's name in words ("Revenue", "Clearing: Test gateway"); an unknown code as it is. */
export function usePlatformAccountName() {
  const { t } = useI18n()
  const gatewayName = useGatewayName()
  return (code: string) => {
    if (code.startsWith('clearing:')) return t('ledger.code.clearing', { gateway: gatewayName(code.slice('clearing:'.length)) })
    return PLATFORM_CODES.has(code) ? t(`ledger.code.${code}` as MessageKey) : code
  }
}

/** What an account is, with its currency: "Wallet · IRR", "Revenue · IRR". */
export function useAccountName() {
  const { t } = useI18n()
  const platformName = usePlatformAccountName()
  return (account: Pick<LedgerAccount, 'code' | 'currency'>) =>
    t('ledger.accountIn', { name: account.code ? platformName(account.code) : t('ledger.kind.wallet'), currency: account.currency })
}
