// Which gateways a payment is offered to, in order. The first rule that matches the payment's
// currency, amount and the customer's country gives a list of gateways; gateways that are not
// enabled or cannot take the currency drop out, and creation falls back down the list. With no
// rule matching (or none left), any enabled gateway that takes the currency is used, the test
// gateway last. The wallet is never a fallback: a payment goes there only when asked for
// (`gateway: wallet`) or when a rule names it.
import type { Currency } from '../../core/money/currency'
import type { GatewayName } from './gateways/types'

export interface RoutingRule {
  /** Matches any currency when absent. */
  currencies?: Currency[]
  /** Inclusive bounds in minor units (strings of digits). */
  minAmount?: string
  maxAmount?: string
  /** ISO 3166-1 alpha-2 codes of the customer's country; matches any when absent. */
  countries?: string[]
  gateways: GatewayName[]
}

export const DEFAULT_ROUTING: RoutingRule[] = [
  { currencies: ['IRR'], gateways: ['zarinpal'] },
  { currencies: ['USD', 'EUR'], gateways: ['stripe', 'paypal'] },
]

export interface RouteRequest {
  currency: Currency
  amount: bigint
  country?: string
}

export function matches(rule: RoutingRule, p: RouteRequest): boolean {
  if (rule.currencies && !rule.currencies.includes(p.currency)) return false
  if (rule.minAmount !== undefined && p.amount < BigInt(rule.minAmount)) return false
  if (rule.maxAmount !== undefined && p.amount > BigInt(rule.maxAmount)) return false
  if (rule.countries && (!p.country || !rule.countries.includes(p.country.toUpperCase()))) return false
  return true
}

/** The ordered gateways to try. `available` maps each enabled gateway to the currencies it takes. */
export function route(rules: RoutingRule[], p: RouteRequest, available: ReadonlyMap<GatewayName, readonly Currency[]>): GatewayName[] {
  const takes = (name: GatewayName) => available.get(name)?.includes(p.currency) ?? false
  const rule = rules.find((r) => matches(r, p))
  const chosen = (rule?.gateways ?? []).filter(takes)
  if (chosen.length) return [...new Set(chosen)]
  // Nothing the rules name is usable: any enabled gateway that takes the currency, test last.
  const rest = [...available.keys()].filter((name) => name !== 'test' && name !== 'wallet' && takes(name))
  return takes('test') ? [...rest, 'test'] : rest
}
