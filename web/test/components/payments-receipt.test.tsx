// A gateway's receipt on the payment pages (features/payments/labels.tsx ReceiptFacts): the fields
// the gateways send named in the viewer's language, any other field in the gateway's own word.
import { screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ReceiptFacts } from '../../src/features/payments/labels'
import { renderUi, setLocale } from './ui-render'

const terms = () => screen.getAllByRole('term').map((dt) => dt.textContent)

afterEach(() => localStorage.clear())

describe('ReceiptFacts', () => {
  it('names Zarinpal’s fields in Persian, an unknown one as the gateway wrote it (left to right)', async () => {
    setLocale('fa')
    renderUi(
      <dl>
        <ReceiptFacts receipt={{ ref_id: '201', card_pan: '502229******5995', shaparak_id: 'x-1' }} />
      </dl>,
    )
    await screen.findByText('502229******5995')
    expect(terms()).toEqual(['رسید درگاه: شمارهٔ تراکنش', 'رسید درگاه: کارت', 'رسید درگاه: shaparak_id'])
    expect(screen.getByText('shaparak_id').getAttribute('lang')).toBe('en')
    expect(screen.getByText('502229******5995').getAttribute('dir')).toBe('ltr')
  })

  it('names the test gateway’s, Stripe’s and PayPal’s in English', async () => {
    setLocale('en')
    renderUi(
      <dl>
        <ReceiptFacts receipt={{ reference: 'tg_1', checkoutSession: 'cs_1', paymentIntent: 'pi_1', transactionId: 'CAP-1' }} />
      </dl>,
    )
    await screen.findByText('CAP-1')
    expect(terms()).toEqual([
      'Gateway receipt: reference',
      'Gateway receipt: Stripe session',
      'Gateway receipt: Stripe payment',
      'Gateway receipt: transaction',
    ])
  })

  it('shows nothing without a receipt, and a field named like an object’s own property as it came', async () => {
    setLocale('en')
    const { container } = renderUi(
      <dl>
        <ReceiptFacts receipt={null} />
      </dl>,
    )
    expect(container.querySelector('dt')).toBeNull()
    renderUi(
      <dl>
        <ReceiptFacts receipt={{ constructor: 'c-1', toString: 't-1' }} />
      </dl>,
    )
    await screen.findByText('c-1')
    expect(terms()).toEqual(['Gateway receipt: constructor', 'Gateway receipt: toString'])
  })
})
