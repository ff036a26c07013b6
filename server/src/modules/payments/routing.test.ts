import { describe, expect, it } from 'vitest'
import type { Currency } from '../../core/money/currency'
import type { GatewayName } from './gateways/types'
import { DEFAULT_ROUTING, route, type RoutingRule } from './routing'

const all = new Map<GatewayName, readonly Currency[]>([
  ['zarinpal', ['IRR']],
  ['stripe', ['USD', 'EUR']],
  ['paypal', ['USD', 'EUR']],
  ['test', ['IRR', 'USD', 'EUR', 'BTC', 'ETH']],
])

describe('routing', () => {
  it('sends IRR to Zarinpal and USD/EUR to Stripe then PayPal by default', () => {
    expect(route(DEFAULT_ROUTING, { currency: 'IRR', amount: 10_000n }, all)).toEqual(['zarinpal'])
    expect(route(DEFAULT_ROUTING, { currency: 'USD', amount: 1250n }, all)).toEqual(['stripe', 'paypal'])
  })
  it('skips gateways that are not enabled, and falls to the test gateway only when nothing else takes the currency', () => {
    const onlyPaypal = new Map<GatewayName, readonly Currency[]>([['paypal', ['USD', 'EUR']]])
    expect(route(DEFAULT_ROUTING, { currency: 'EUR', amount: 1n }, onlyPaypal)).toEqual(['paypal'])
    expect(route(DEFAULT_ROUTING, { currency: 'IRR', amount: 1n }, onlyPaypal)).toEqual([])
    const testOnly = new Map<GatewayName, readonly Currency[]>([['test', ['IRR', 'USD']]])
    expect(route(DEFAULT_ROUTING, { currency: 'IRR', amount: 1n }, testOnly)).toEqual(['test'])
  })
  it('matches amount bounds and countries', () => {
    const rules: RoutingRule[] = [
      { currencies: ['USD'], countries: ['DE'], gateways: ['paypal'] },
      { currencies: ['USD'], minAmount: '100000', gateways: ['paypal', 'stripe'] },
      ...DEFAULT_ROUTING,
    ]
    expect(route(rules, { currency: 'USD', amount: 500n, country: 'de' }, all)).toEqual(['paypal'])
    expect(route(rules, { currency: 'USD', amount: 100_000n }, all)).toEqual(['paypal', 'stripe'])
    expect(route(rules, { currency: 'USD', amount: 99_999n }, all)).toEqual(['stripe', 'paypal'])
  })
})
