// Money in the payments pages (features/payments/money.ts): minor units as strings to the viewer's
// words and back, exactly (no floats: ETH has 18 decimals), IRR in toman or rial, Persian digits.
import { describe, expect, it } from 'vitest'
import { formatMoney, minorToInput, parseMoney, subtractMinor, unitName } from '../../src/features/payments/money'

describe('formatMoney', () => {
  it('shows IRR in toman by default (÷10), with the rial digit only when there is one', () => {
    expect(formatMoney('1250000', 'IRR', 'en')).toBe('125,000 Toman')
    expect(formatMoney('1250000', 'IRR', 'fa')).toBe('۱۲۵٬۰۰۰ تومان')
    expect(formatMoney('1250005', 'IRR', 'en')).toBe('125,000.5 Toman')
    expect(formatMoney('1250005', 'IRR', 'fa')).toBe('۱۲۵٬۰۰۰٫۵ تومان')
    expect(formatMoney('5', 'IRR', 'en')).toBe('0.5 Toman')
  })

  it('shows IRR in rial when the setting says so, as the server formats it', () => {
    expect(formatMoney('1250000', 'IRR', 'en', 'rial')).toBe('1,250,000 IRR')
    expect(formatMoney('1250000', 'IRR', 'fa', 'rial')).toBe('۱٬۲۵۰٬۰۰۰ ریال')
  })

  it('keeps two decimals for fiat, the symbol before the number in English', () => {
    expect(formatMoney('1250', 'USD', 'en')).toBe('$12.50')
    expect(formatMoney('5', 'USD', 'en')).toBe('$0.05')
    expect(formatMoney('123456789', 'EUR', 'en')).toBe('€1,234,567.89')
    expect(formatMoney('1250', 'USD', 'fa')).toBe('۱۲٫۵۰ دلار')
  })

  it('is exact for crypto amounts far past 2^53, dropping trailing zeros past two decimals', () => {
    expect(formatMoney('1500000000000000001', 'ETH', 'en')).toBe('1.500000000000000001 ETH')
    expect(formatMoney('1000000000000000000', 'ETH', 'en')).toBe('1.00 ETH')
    expect(formatMoney('100000', 'BTC', 'en')).toBe('0.001 BTC')
    expect(formatMoney('123456789012345678901234567890', 'ETH', 'en')).toBe('123,456,789,012.34567890123456789 ETH')
  })

  it('leaves anything that is not digits as it came', () => {
    expect(formatMoney('12.5', 'USD', 'en')).toBe('12.5')
    expect(formatMoney('', 'USD', 'en')).toBe('')
  })
})

describe('parseMoney', () => {
  it('reads what was typed in the display unit into minor units', () => {
    expect(parseMoney('125,000', 'IRR')).toEqual({ ok: true, minor: '1250000' })
    expect(parseMoney('125000.5', 'IRR')).toEqual({ ok: true, minor: '1250005' })
    expect(parseMoney('125000', 'IRR', 'rial')).toEqual({ ok: true, minor: '125000' })
    expect(parseMoney('12.5', 'USD')).toEqual({ ok: true, minor: '1250' })
    expect(parseMoney(' 0.000000000000000001 ', 'ETH')).toEqual({ ok: true, minor: '1' })
  })

  it('understands Persian and Arabic digits and separators', () => {
    expect(parseMoney('۱۲۵٬۰۰۰', 'IRR')).toEqual({ ok: true, minor: '1250000' })
    expect(parseMoney('۱۲٫۵', 'USD')).toEqual({ ok: true, minor: '1250' })
    expect(parseMoney('١٢٫٥', 'USD')).toEqual({ ok: true, minor: '1250' })
  })

  it('refuses too many decimals, zero, nothing and words', () => {
    expect(parseMoney('12.345', 'USD')).toEqual({ ok: false, error: 'decimals' })
    expect(parseMoney('1.5', 'IRR', 'rial')).toEqual({ ok: false, error: 'decimals' })
    expect(parseMoney('12.34', 'IRR')).toEqual({ ok: false, error: 'decimals' })
    expect(parseMoney('0.00', 'USD')).toEqual({ ok: false, error: 'zero' })
    expect(parseMoney('  ', 'USD')).toEqual({ ok: false, error: 'empty' })
    expect(parseMoney('ten', 'USD')).toEqual({ ok: false, error: 'invalid' })
    expect(parseMoney('-5', 'USD')).toEqual({ ok: false, error: 'invalid' })
  })

  it('goes back to the input it came from', () => {
    expect(minorToInput('1250005', 'IRR')).toBe('125000.5')
    expect(minorToInput('1250', 'USD')).toBe('12.5')
    expect(minorToInput('1200', 'USD')).toBe('12')
    expect(parseMoney(minorToInput('1500000000000000001', 'ETH'), 'ETH')).toEqual({ ok: true, minor: '1500000000000000001' })
  })
})

describe('units and arithmetic', () => {
  it('names the unit amounts are typed in', () => {
    expect(unitName('IRR', 'toman', 'fa')).toBe('تومان')
    expect(unitName('IRR', 'rial', 'en')).toBe('IRR')
    expect(unitName('USD', 'toman', 'en')).toBe('$')
  })

  it('subtracts without losing digits', () => {
    expect(subtractMinor('1000000000000000000000', '1')).toBe('999999999999999999999')
  })
})
