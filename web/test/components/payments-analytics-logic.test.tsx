// The payment analytics page's arithmetic (features/payments/console/PaymentAnalytics.tsx): which
// currency the charts and table show, a group's figures in it, and amounts as chart numbers.
import type { PaymentAnalytics, PaymentAnalyticsFigures } from '@caravan/sdk'
import { describe, expect, it } from 'vitest'
import { chartAmount, chartAmountFormat, rowsIn, shownCurrency } from '../../src/features/payments/console/PaymentAnalytics'

const figures = (currency: PaymentAnalyticsFigures['currency'], payments: number, volume = '0'): PaymentAnalyticsFigures => ({
  currency,
  payments,
  succeeded: 0,
  failed: 0,
  canceled: 0,
  expired: 0,
  open: 0,
  volume,
  successRate: null,
  averageTicket: null,
  refunds: 0,
  refundedAmount: '0',
  refundRate: null,
})

describe('shownCurrency', () => {
  const totals = [figures('EUR', 1), figures('IRR', 7), figures('USD', 3)]
  it('is the one asked for when the range has it, else the one with most payments', () => {
    expect(shownCurrency(totals, 'USD')).toBe('USD')
    expect(shownCurrency(totals, '')).toBe('IRR')
    expect(shownCurrency(totals, 'BTC')).toBe('IRR')
    expect(shownCurrency([], 'USD')).toBeNull()
  })
})

describe('rowsIn', () => {
  const groups: PaymentAnalytics['groups'] = [
    { key: 'zarinpal', currencies: [figures('IRR', 5, '100')] },
    { key: 'stripe', currencies: [figures('USD', 2, '300')] },
    { key: 'test', currencies: [figures('IRR', 1, '10'), figures('USD', 1, '20')] },
  ]
  it('keeps the groups with figures in the currency, each with those figures', () => {
    expect(rowsIn(groups, 'gateway', 'USD').map((r) => [r.key, r.f.volume])).toEqual([
      ['stripe', '300'],
      ['test', '20'],
    ])
    expect(rowsIn(groups, 'gateway', null)).toEqual([])
  })
  it('by currency: every group with its own currency, whatever is chosen', () => {
    const byCurrency = [
      { key: 'IRR', currencies: [figures('IRR', 6)] },
      { key: 'USD', currencies: [figures('USD', 3)] },
    ]
    expect(rowsIn(byCurrency, 'currency', 'USD').map((r) => [r.key, r.f.currency])).toEqual([
      ['IRR', 'IRR'],
      ['USD', 'USD'],
    ])
  })
})

describe('chartAmount', () => {
  it('is the amount in the unit people read: toman or rial, dollars, ether', () => {
    expect(chartAmount('1950000', 'IRR', 'toman')).toBe(195000)
    expect(chartAmount('1950000', 'IRR', 'rial')).toBe(1950000)
    expect(chartAmount('1999', 'USD', 'toman')).toBe(19.99)
    expect(chartAmount('1500000000000000000', 'ETH', 'toman')).toBe(1.5)
  })
})

describe('chartAmountFormat', () => {
  it('keeps cents below a thousand and shortens above, in the page language', () => {
    const en = chartAmountFormat('en')
    expect([en(19.99), en(0.5), en(195000), en(1_250_000)]).toEqual(['19.99', '0.5', '195k', '1.3m'])
    const fa = chartAmountFormat('fa')
    expect(fa(19.99)).toBe('۱۹٫۹۹')
    expect(fa(195000)).toMatch(/^۱۹۵\s?هزار$/)
  })
})
