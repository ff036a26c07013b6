import type { Currency, WalletTransaction } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Button, ProblemAlert } from '../../ui'
import { StatusMessage, useMessage } from '../../ui/messages'
import { DataTable, type Column } from '../../ui/table'
import { client, useSignedInUser } from '../auth/session'
import { useMoney } from '../payments/useMoney'
import { downloadCsv } from '../shell/download'
import { walletKeys, useStatement } from './queries'
import { Reference } from './Reference'
import { SignedAmount } from './SignedAmount'

/** One currency's transactions, newest first, page by page, and its statement as a CSV file. */
export function Transactions({ currency }: { currency: Currency }) {
  const { t, formatDate } = useI18n()
  const user = useSignedInUser()
  const { money } = useMoney()
  const statement = useStatement()
  const [message, setMessage] = useMessage()
  const name = t(`currency.${currency}`)

  function download() {
    setMessage(null)
    statement.mutate(currency, {
      onSuccess: (csv) => {
        const file = `wallet-${currency}.csv`
        downloadCsv(file, csv)
        setMessage((t) => t('wallet.statementSaved', { file }))
      },
    })
  }

  const columns: Column<WalletTransaction>[] = [
    {
      id: 'date',
      header: t('wallet.date'),
      primary: true,
      cell: (tx) => <time dateTime={tx.createdAt}>{formatDate(tx.createdAt)}</time>,
    },
    { id: 'kind', header: t('wallet.kind'), cell: (tx) => t(`walletKind.${tx.kind}`) },
    { id: 'amount', header: t('wallet.amount'), cell: (tx) => <SignedAmount minor={tx.amount} currency={tx.currency} /> },
    { id: 'balanceAfter', header: t('wallet.balanceAfter'), cell: (tx) => money(tx.balanceAfter, tx.currency) },
    { id: 'reference', header: t('wallet.reference'), cell: (tx) => <Reference entry={tx} /> },
  ]
  return (
    <>
      <div className="toolbar">
        <Button variant="secondary" isPending={statement.isPending} onPress={download}>
          {t('wallet.statement')}
        </Button>
      </div>
      <StatusMessage message={message} />
      <ProblemAlert error={statement.error} />
      <DataTable
        caption={t('wallet.transactionsOf', { currency: name })}
        columns={columns}
        // Per person, as the payments list: the key says whose list it is.
        queryKey={walletKeys.transactions({ customerId: user.id, currency })}
        fetchPage={({ cursor, signal }) => client.wallet.transactions({ currency, cursor, limit: 20 }, { signal })}
        getRowId={(tx) => tx.id}
        empty={<p className="empty">{t('wallet.transactionsEmpty', { currency: name })}</p>}
      />
    </>
  )
}
