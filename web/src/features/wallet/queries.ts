// The wallet page's server data in the query cache: the balances with their holds, and the
// transactions of one currency (read by DataTable under walletKeys.transactions). The server
// pushes wallet.changed after every change of a wallet (a top-up is credited by a job a moment
// after its payment succeeds); both entries are read again then, and after a reconnect.
import type { Currency, LedgerAccountQuery, WalletTransferInput, WithdrawalInput, WithdrawalStatus } from '@caravan/sdk'
import { useMutation, useQuery } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { useRealtimeConnected, useRealtimeEvent } from '../auth/live'
import { client } from '../auth/session'

export const walletKeys = {
  all: ['wallet'] as const,
  mine: ['wallet', 'mine'] as const,
  transactions: (filter: { customerId: string; currency: Currency }) => ['wallet', 'transactions', filter] as const,
  /** The signed-in person's withdrawal requests. */
  withdrawals: (customerId: string) => ['wallet', 'withdrawals', customerId] as const,
  /** The console's queue and the ledger explorer (admins). */
  queue: (filter: { status?: WithdrawalStatus }) => ['wallet', 'queue', filter] as const,
  check: ['wallet', 'ledger', 'check'] as const,
  accounts: (filter: LedgerAccountQuery) => ['wallet', 'ledger', 'accounts', filter] as const,
  account: (id: string) => ['wallet', 'ledger', 'account', id] as const,
  postings: (accountId: string) => ['wallet', 'ledger', 'postings', accountId] as const,
  transfer: (id: string) => ['wallet', 'ledger', 'transfer', id] as const,
}

const readWallet = ({ signal }: { signal: AbortSignal }) => client.wallet.get({ signal })

export function useWallet() {
  return useQuery({ queryKey: walletKeys.mine, queryFn: readWallet })
}

/** The wallet read again now (into the cache too): after a refusal, what the page shows may be stale (an admin changed a limit). */
export const freshWallet = () => queryClient.fetchQuery({ queryKey: walletKeys.mine, queryFn: readWallet, staleTime: 0 })

/** Mounted by the wallet page: the socket's word that a wallet changed, into the cache. */
export function useLiveWallet() {
  useRealtimeEvent('wallet.changed', () => void queryClient.invalidateQueries({ queryKey: walletKeys.all }))
  // Every (re)connect reads again what was read before it: a change published between that read
  // and the socket joining its rooms reached nobody (a top-up credited just after the page's
  // first read, with the socket still connecting, stayed unseen until a reload).
  useRealtimeConnected(() => void queryClient.invalidateQueries({ queryKey: walletKeys.all }))
}

/** One currency's statement as the server writes it (CSV, oldest first). */
export function useStatement() {
  return useMutation({ mutationFn: (currency: Currency) => client.wallet.statement({ currency }) })
}

/** Sends money to another person; the key makes a retry of the same form one transfer, not two. */
export function useTransfer() {
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: WalletTransferInput; idempotencyKey: string }) =>
      client.wallet.transfer(input, { idempotencyKey }),
    // The balance, the history and the holds change (wallet.changed says so too, when connected).
    onSettled: () => void queryClient.invalidateQueries({ queryKey: walletKeys.all }),
  })
}

/** Asks for a payout: the amount is held until an admin decides. */
export function useWithdraw() {
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: WithdrawalInput; idempotencyKey: string }) =>
      client.wallet.withdraw(input, { idempotencyKey }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: walletKeys.all }),
  })
}

/** An admin approves (the money leaves the wallet) or rejects (it is released) a withdrawal. */
export function useDecideWithdrawal() {
  return useMutation({
    mutationFn: ({ id, approve, note }: { id: string; approve: boolean; note?: string }) =>
      approve
        ? client.admin.wallet.approveWithdrawal(id, note ? { note } : {})
        : client.admin.wallet.rejectWithdrawal(id, note ? { note } : {}),
    // Also after a 409 (decided by someone else): the queue shows what happened.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: walletKeys.all }),
  })
}

/** The ledger's invariants, checked now (admins). */
export function useLedgerCheck() {
  return useQuery({ queryKey: walletKeys.check, queryFn: ({ signal }) => client.admin.wallet.check({ signal }) })
}

export function useLedgerAccount(id: string) {
  return useQuery({ queryKey: walletKeys.account(id), queryFn: ({ signal }) => client.admin.wallet.account(id, { signal }) })
}

export function useLedgerTransfer(id: string) {
  return useQuery({ queryKey: walletKeys.transfer(id), queryFn: ({ signal }) => client.admin.wallet.transfer(id, { signal }) })
}
