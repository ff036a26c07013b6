// The ledger explorer's reads, for admins: accounts with their counters, an account's postings
// with the running balance, and one transfer with both of its postings. Read-only, so kept out of
// service.ts (which holds the rules that move money).
import type { Db } from '../../core/db/client'
import { AppError } from '../../core/http/errors'
import { decodeCursor, decodeSeqCursor, encodeCursor, pageOf } from '../../core/http/paging'
import { accountsRepo, postingsRepo, transfersRepo } from './repo'
import type { LedgerAccountsQuery, LedgerPostingsQuery } from './schemas'
import { ledgerAccountView, ledgerPostingView, ledgerTransferView } from './views'

export function createLedgerExplorer(db: Db) {
  async function accountOr404(id: string) {
    const account = await accountsRepo.byId(db, id)
    if (!account) throw new AppError('not_found', 'No such ledger account')
    return account
  }

  return {
    /** Accounts newest first, by kind, currency or owner. */
    async accounts(query: LedgerAccountsQuery) {
      const limit = query.limit ?? 20
      const before = decodeCursor(query.cursor)
      const rows = await accountsRepo.list(db, { kind: query.kind, userId: query.userId, currency: query.currency, before, limit })
      return pageOf(rows, limit, ledgerAccountView)
    },
    async account(id: string) {
      return ledgerAccountView(await accountOr404(id))
    },
    /** One account's postings, newest first, each with the balance after it; keyset by seq. */
    async postings(accountId: string, query: LedgerPostingsQuery) {
      const limit = query.limit ?? 20
      const beforeSeq = decodeSeqCursor(query.cursor)
      await accountOr404(accountId)
      const rows = await postingsRepo.history(db, { accountIds: [accountId], beforeSeq, limit: limit + 1 })
      const page = rows.slice(0, limit)
      return {
        items: page.map(ledgerPostingView),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.posting.seq.toString()) : null,
      }
    },
    async transfer(id: string) {
      const transfer = await transfersRepo.byId(db, id)
      if (!transfer) throw new AppError('not_found', 'No such ledger transfer')
      return ledgerTransferView(transfer, await postingsRepo.ofTransfer(db, id))
    },
  }
}

export type LedgerExplorer = ReturnType<typeof createLedgerExplorer>
