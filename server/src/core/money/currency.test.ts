import { describe, expect, it } from 'vitest'
import { CURRENCIES, formatAmount, MoneyError, parseAmount, toAsciiDigits } from './currency'

describe('money', () => {
  it('knows the decimals of each currency', () => {
    expect(Object.fromEntries(Object.entries(CURRENCIES).map(([c, v]) => [c, v.decimals]))).toEqual({
      IRR: 0,
      USD: 2,
      EUR: 2,
      BTC: 8,
      ETH: 18,
    })
  })

  it('parses to minor units without floats', () => {
    expect(parseAmount('12.5', 'USD')).toBe(1250n)
    expect(parseAmount('0.1', 'USD') + parseAmount('0.2', 'USD')).toBe(30n)
    expect(parseAmount('1', 'ETH')).toBe(10n ** 18n)
    expect(parseAmount('123456789012345678901234567890.123456789012345678', 'ETH')).toBe(123456789012345678901234567890123456789012345678n)
    expect(parseAmount('0.00000001', 'BTC')).toBe(1n)
    expect(parseAmount('۱۲٬۵۰۰', 'IRR')).toBe(12500n)
    expect(parseAmount('١٢٫٥', 'USD')).toBe(1250n)
  })

  it('refuses what is not an amount or has too many decimals', () => {
    for (const bad of ['', 'abc', '1.2.3', '-5', '1e5', '0x10', '12.345']) expect(() => parseAmount(bad, 'USD'), bad).toThrow(MoneyError)
    expect(() => parseAmount('1.5', 'IRR')).toThrow(/0 decimal/)
  })

  it('formats plainly, and for fa and en readers', () => {
    expect(formatAmount(1250n, 'USD')).toBe('12.50')
    expect(formatAmount(5n, 'USD')).toBe('0.05')
    expect(formatAmount(-1250n, 'USD')).toBe('-12.50')
    expect(formatAmount(1234567n, 'USD', 'en')).toBe('$12,345.67')
    expect(formatAmount(125000000n, 'IRR', 'fa')).toBe('۱۲۵٬۰۰۰٬۰۰۰ ریال')
    expect(formatAmount(150000000n, 'BTC', 'en')).toBe('1.50000000 BTC')
    expect(formatAmount(1250n, 'USD', 'fa')).toBe('۱۲٫۵۰ دلار')
  })

  it('round-trips', () => {
    for (const [text, currency] of [
      ['0', 'IRR'],
      ['999999999999', 'IRR'],
      ['0.01', 'USD'],
      ['21000000.00000000', 'BTC'],
    ] as const) {
      expect(formatAmount(parseAmount(text, currency), currency)).toBe(text)
    }
    expect(toAsciiDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789')
  })
})
