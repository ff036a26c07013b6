import { Type } from 'typebox'
import { currentUser, type Auth } from '../../core/http/auth'
import { clientContext } from '../../core/http/client-context'
import { idempotencyInService, type Idempotency } from '../../core/http/idempotency'
import { route, type App } from '../../core/http/route'
import { IdParams, Page, RefTo } from '../../core/http/schemas'
import * as S from './schemas'
import type { WalletService } from './service'
import { sendCsv } from '../../core/http/csv-reply'

export { walletSchemas, walletTags } from './schemas'

export function walletRoutes(app: App, deps: { wallet: WalletService; auth: Auth; idempotency: Idempotency }) {
  const { wallet: w, auth } = deps
  const signedIn = auth.require()
  const admin = auth.require({ roles: ['admin'] })
  const tags = ['wallet']

  route(app, {
    method: 'GET',
    url: '/v1/me/wallet',
    operationId: 'getMyWallet',
    tags,
    access: signedIn,
    summary: 'My balances per currency (available and held) and the holds on them',
    schema: { response: { 200: RefTo(S.WalletView) } },
    handler: async (request) => w.walletOf(currentUser(request).userId),
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/wallet/transactions',
    operationId: 'listMyWalletTransactions',
    tags,
    access: signedIn,
    summary: 'My wallet’s transactions, newest first, each with the balance after it',
    schema: { querystring: S.TransactionsQuery, response: { 200: Page(RefTo(S.TransactionView)) } },
    handler: async (request) => w.transactions(currentUser(request).userId, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/wallet/statement',
    operationId: 'exportMyWalletStatement',
    tags,
    access: signedIn,
    summary: 'My statement of one currency over a range, oldest first, as CSV',
    schema: { querystring: S.StatementQuery, response: { 200: Type.String({ description: 'text/csv' }) } },
    handler: async (request, reply) =>
      sendCsv(reply, `wallet-${request.query.currency}.csv`, await w.statement(currentUser(request).userId, request.query)),
  })
  route(app, {
    method: 'POST',
    url: '/v1/wallet/payments',
    operationId: 'payFromWallet',
    tags,
    access: signedIn,
    errors: [403, 409],
    idempotency: deps.idempotency,
    moneyWrite: true,
    deviceId: true,
    summary: 'Pay from my wallet',
    description:
      'The amount is held on the wallet, then moved to the merchant; a wallet that cannot cover it answers 409 insufficient_funds and nothing is written. Send an Idempotency-Key: a retry answers the first result. Fraud rules may refuse it (403 fraud_blocked, nothing written).',
    schema: { body: S.WalletPaymentBody, response: { 201: S.WalletPaymentResult } },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await w.pay(request.principal!, request.body, { client: clientContext(request), idempotencyKey: request.idempotency?.key })),
  })
  route(app, {
    method: 'POST',
    url: '/v1/wallet/transfers',
    operationId: 'transferFromWallet',
    tags,
    access: signedIn,
    errors: [403, 409, 422],
    // The key is kept on the transfer itself (transfer-batches.ts): a retry finds the transfer it made.
    idempotency: idempotencyInService,
    moneyWrite: true,
    deviceId: true,
    summary: 'Send money from my wallet to another user’s',
    description:
      'Within the currency’s limits (422 wallet_limit_exceeded: per transfer and per 24 hours); 409 insufficient_funds when the wallet cannot cover it. The recipient is a Caravan id, `{externalId}` or `{email}`. Fraud rules may refuse it (403 fraud_blocked, nothing written). Send an Idempotency-Key: a retry moves nothing and answers the transfer the key made (marked `Idempotent-Replayed: true`, with the wallet’s balance as it stands); the key with another transfer is refused (422 idempotency_mismatch); a refused transfer moved nothing, so its retry is tried again.',
    schema: { body: S.TransferBody, response: { 201: S.TransferResult } },
    handler: async (request, reply) => {
      const { replayed, answer } = await w.transfer(request.principal!, request.body, clientContext(request), request.idempotency?.key)
      if (replayed) reply.header('idempotent-replayed', 'true')
      return reply.code(201).send(answer)
    },
  })
  route(app, {
    method: 'GET',
    url: '/v1/wallet/checkout/:attemptId',
    operationId: 'getWalletCheckout',
    tags,
    access: signedIn,
    errors: [404],
    summary: 'A payment waiting to be paid from my wallet (made with gateway "wallet"), and what my wallet can spend',
    schema: { params: S.CheckoutParams, response: { 200: RefTo(S.CheckoutInfo) } },
    handler: async (request) => w.checkout.info(request.principal!, request.params.attemptId),
  })
  route(app, {
    method: 'POST',
    url: '/v1/wallet/checkout/:attemptId',
    operationId: 'payWalletCheckout',
    tags,
    access: signedIn,
    errors: [404, 409],
    idempotency: deps.idempotency,
    moneyWrite: true,
    summary: 'Pay a payment made with gateway "wallet" from my wallet',
    description:
      'Pays once per payment attempt, however often it is sent; 409 insufficient_funds (nothing written) when the wallet cannot cover it, 409 checkout_closed when the payment was canceled or expired. Then send the payer to `redirectUrl`.',
    schema: { params: S.CheckoutParams, response: { 200: S.CheckoutResult } },
    handler: async (request) => w.checkout.pay(request.principal!, request.params.attemptId),
  })
  route(app, {
    method: 'POST',
    url: '/v1/wallet/withdrawals',
    operationId: 'requestWithdrawal',
    tags,
    access: signedIn,
    errors: [403, 409],
    idempotency: deps.idempotency,
    moneyWrite: true,
    deviceId: true,
    summary: 'Ask to pay money out of my wallet',
    description:
      'The amount is held on the wallet (409 insufficient_funds when it cannot be) until an admin approves or rejects the request; a rejected or expired request (30 days) gives it back. Fraud rules may refuse it (403 fraud_blocked, nothing written) or send it to review: it cannot be approved until the review is.',
    schema: { body: S.WithdrawalBody, response: { 201: RefTo(S.WithdrawalView) } },
    handler: async (request, reply) =>
      reply.code(201).send(await w.withdraw(request.principal!, request.body, clientContext(request), request.idempotency?.key)),
  })
  route(app, {
    method: 'GET',
    url: '/v1/me/wallet/withdrawals',
    operationId: 'listMyWithdrawals',
    tags,
    access: signedIn,
    summary: 'My withdrawal requests, newest first',
    schema: { querystring: S.WithdrawalQuery, response: { 200: Page(RefTo(S.WithdrawalView)) } },
    handler: async (request) => w.withdrawals(request.query, currentUser(request).userId),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/withdrawals',
    operationId: 'listWithdrawals',
    tags,
    access: admin,
    summary: 'Withdrawal requests, newest first; status=pending is the approval queue',
    schema: { querystring: S.WithdrawalQuery, response: { 200: Page(RefTo(S.WithdrawalView)) } },
    handler: async (request) => w.withdrawals(request.query),
  })
  for (const [verb, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    route(app, {
      method: 'POST',
      url: `/v1/admin/wallet/withdrawals/:id/${verb}`,
      operationId: approve ? 'approveWithdrawal' : 'rejectWithdrawal',
      tags,
      access: admin,
      errors: [404, 409],
      summary: approve ? 'Approve a withdrawal: the held amount leaves the wallet' : 'Reject a withdrawal: the held amount is released',
      schema: { params: IdParams, body: S.DecisionBody, response: { 200: RefTo(S.WithdrawalView) } },
      handler: async (request) => w.decideWithdrawal(request.principal!, request.params.id, approve, request.body?.note),
    })
  }
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/settings',
    operationId: 'getWalletSettings',
    tags,
    access: admin,
    summary: 'The wallet’s settings: transfer limits per currency',
    schema: { response: { 200: RefTo(S.WalletSettingsView) } },
    handler: async () => w.settings.read(),
  })
  route(app, {
    method: 'PATCH',
    url: '/v1/admin/wallet/settings',
    operationId: 'updateWalletSettings',
    tags,
    access: admin,
    errors: [400],
    summary: 'Change the wallet’s settings (applies at once on every node; audited)',
    schema: { body: S.WalletSettingsPatch, response: { 200: RefTo(S.WalletSettingsView) } },
    handler: async (request) => w.settings.write(request.principal!, request.body),
  })
  route(app, {
    method: 'POST',
    url: '/v1/admin/wallet/adjustments',
    operationId: 'adjustWallet',
    tags,
    access: admin,
    errors: [409, 422],
    idempotency: deps.idempotency,
    moneyWrite: true,
    summary: 'Credit or debit a user’s wallet by hand, with a reason',
    description:
      'A positive amount credits the wallet, a negative one debits it; a debit larger than what is available is refused (409 insufficient_funds). Audited.',
    schema: { body: S.AdjustmentBody, response: { 201: S.AdjustmentResult } },
    handler: async (request, reply) => reply.code(201).send(await w.adjust(request.principal!, request.body, request.idempotency?.key)),
  })
  // The ledger explorer (admins): read-only views of accounts, postings and transfers.
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/accounts',
    operationId: 'listLedgerAccounts',
    tags,
    access: admin,
    summary: 'Ledger accounts (wallets and platform accounts) with their counters, newest first',
    description: 'Filter by kind (wallet or platform), currency or the wallet owner’s Caravan id.',
    schema: { querystring: S.LedgerAccountsQuery, response: { 200: Page(RefTo(S.LedgerAccountView)) } },
    handler: async (request) => w.explorer.accounts(request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/accounts/:id',
    operationId: 'getLedgerAccount',
    tags,
    access: admin,
    errors: [404],
    summary: 'One ledger account with its counters',
    schema: { params: IdParams, response: { 200: RefTo(S.LedgerAccountView) } },
    handler: async (request) => w.explorer.account(request.params.id),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/accounts/:id/postings',
    operationId: 'listLedgerPostings',
    tags,
    access: admin,
    errors: [404],
    summary: 'A ledger account’s postings, newest first, each with the balance after it',
    schema: { params: IdParams, querystring: S.LedgerPostingsQuery, response: { 200: Page(RefTo(S.LedgerPostingView)) } },
    handler: async (request) => w.explorer.postings(request.params.id, request.query),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/transfers/:id',
    operationId: 'getLedgerTransfer',
    tags,
    access: admin,
    errors: [404],
    summary: 'A ledger transfer with both of its postings',
    schema: { params: IdParams, response: { 200: RefTo(S.LedgerTransferView) } },
    handler: async (request) => w.explorer.transfer(request.params.id),
  })
  route(app, {
    method: 'GET',
    url: '/v1/admin/wallet/check',
    operationId: 'checkLedger',
    tags,
    access: admin,
    summary: 'Check the ledger’s invariants: postings sum to zero per currency, balances equal their postings, no wallet below zero',
    schema: { response: { 200: RefTo(S.LedgerCheck) } },
    handler: async () => w.check(),
  })
}
