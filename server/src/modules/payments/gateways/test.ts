// The built-in test gateway, for the embedded default and for trying Caravan without an account
// anywhere: it behaves like a redirect gateway whose "bank" is its own table. The payer lands on
// a hosted page (test-page.ts) with Pay and Fail buttons and is sent back to our return page;
// confirm reads what the payer chose, refunds are checked against what was paid. It holds no
// money: an admin turns it off once a real gateway is configured (see the registry).
import { randomBytes } from 'node:crypto'
import { CURRENCIES, type Currency } from '../../../core/money/currency'
import type { Db } from '../../../core/db/client'
import { createBatchedWrites } from '../../../core/db/group-commit'
import { ProviderError } from '../../../core/net/service-http'
import { testChargesRepo, type NewTestCharge } from '../repo'
import type { Gateway } from './types'

export const testGatewayPagePath = (reference: string) => `/v1/payments/test-gateway/${reference}`

export function createTestGateway(deps: { db: Db; publicUrl: string }): Gateway {
  const { db } = deps
  // Charges created together are written together (core/db/group-commit).
  const insertCharge = createBatchedWrites((rows: NewTestCharge[]) => testChargesRepo.insertMany(db, rows))
  return {
    name: 'test',
    currencies: Object.keys(CURRENCIES) as Currency[],
    async create(charge) {
      const reference = `tg_${randomBytes(12).toString('hex')}`
      await insertCharge({
        reference,
        attemptId: charge.attemptId,
        amount: charge.amount,
        currency: charge.currency,
        description: charge.description,
        returnUrl: charge.returnUrl,
      })
      return { reference, redirectUrl: new URL(testGatewayPagePath(reference), deps.publicUrl).toString() }
    },
    async confirm({ reference }) {
      const charge = await testChargesRepo.get(db, reference)
      if (!charge) throw new ProviderError('permanent', `Test gateway: no charge ${reference}`)
      if (charge.status === 'paid') return { status: 'succeeded', amount: charge.amount, currency: charge.currency, receipt: { reference } }
      if (charge.status === 'failed') return { status: 'failed', reason: 'The payer chose Fail on the test gateway' }
      return { status: 'pending' }
    },
    async cancel(reference) {
      // Only an open charge closes; a paid one stays paid (confirm then reports it).
      await testChargesRepo.decide(db, reference, 'failed')
    },
    async refund(request) {
      const charge = await testChargesRepo.refund(db, request.reference, request.amount)
      if (!charge)
        throw new ProviderError('permanent', 'Test gateway: the refund is larger than what is left of the payment, or it was not paid')
      return { status: 'succeeded', gatewayRefundId: `tgr_${request.refundId}` }
    },
  }
}
