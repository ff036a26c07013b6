// The localized template filters: numbers, money (IRR as toman or rial, USD) and dates in the
// recipient's locale, calendar and time zone, through a real render.
import { describe, expect, it } from 'vitest'
import { renderTemplate, type RenderContext } from './templates'

const render = async (text: string, locale: 'fa' | 'en', timezone: string, data: Record<string, unknown> = {}, irr?: 'toman' | 'rial') =>
  (
    await renderTemplate('sms', { text }, {
      locale,
      data,
      user: { name: 'Sara', email: null, locale, timezone },
      brand: { name: 'Caravan', url: 'http://localhost:3000' },
      irr,
    } satisfies RenderContext)
  ).text

// 2026-03-20T21:00:00Z is 1 Farvardin 1405, 00:30 in Tehran, and still 20 March in London.
const NOWRUZ = '2026-03-20T21:00:00Z'

describe('localized template filters', () => {
  it('money: IRR as toman by default, or rial; USD with its cents; Persian digits for fa', async () => {
    expect(await render('{{ amount | money: "IRR" }}', 'fa', 'Asia/Tehran', { amount: '990000' })).toBe('۹۹٬۰۰۰ تومان')
    expect(await render('{{ amount | money: "IRR" }}', 'en', 'UTC', { amount: '990000' })).toBe('99,000 Toman')
    expect(await render('{{ amount | money: "IRR" }}', 'fa', 'Asia/Tehran', { amount: '990000' }, 'rial')).toBe('۹۹۰٬۰۰۰ ریال')
    expect(await render('{{ amount | money: "USD" }}', 'en', 'UTC', { amount: '99000' })).toBe('$990.00')
    expect(await render('{{ amount | money: "usd" }}', 'fa', 'UTC', { amount: 99000 })).toBe('۹۹۰٫۰۰ دلار')
    // Not whole minor units, or an unknown currency: left as given, never a wrong amount.
    expect(await render('{{ amount | money: "USD" }}', 'en', 'UTC', { amount: '12.5' })).toBe('12.5')
    expect(await render('{{ amount | money: "XYZ" }}', 'en', 'UTC', { amount: '100' })).toBe('100')
    // Past 2^53 the amount stays exact (money travels as a string of digits).
    expect(await render('{{ wei | money: "ETH" }}', 'en', 'UTC', { wei: '123456789012345678901' })).toBe('123.456789012345678901 ETH')
  })

  it('number: grouping and digits of the locale, fixed decimals on request', async () => {
    expect(await render('{{ n | number }}', 'fa', 'UTC', { n: 1234567.5 })).toBe('۱٬۲۳۴٬۵۶۷٫۵')
    expect(await render('{{ n | number }}', 'en', 'UTC', { n: '1234567.5' })).toBe('1,234,567.5')
    expect(await render('{{ n | number: 2 }}', 'en', 'UTC', { n: 3 })).toBe('3.00')
    expect(await render('{{ n | number }}', 'en', 'UTC', { n: 'many' })).toBe('many')
  })

  it('date and datetime: Solar Hijri with Persian digits for fa, in the recipient’s time zone', async () => {
    expect(await render('{{ at | date }}', 'fa', 'Asia/Tehran', { at: NOWRUZ })).toBe('۱ فروردین ۱۴۰۵')
    expect(await render('{{ at | date }}', 'en', 'Europe/London', { at: NOWRUZ })).toBe('March 20, 2026')
    expect(await render('{{ at | datetime }}', 'fa', 'Asia/Tehran', { at: NOWRUZ })).toMatch(/^۱ فروردین ۱۴۰۵.*۰?۰:۳۰$/)
    expect(await render('{{ at | datetime }}', 'en', 'America/New_York', { at: NOWRUZ })).toBe('March 20, 2026 at 5:00 PM')
    expect(await render('{{ at | date: "short" }}', 'en', 'UTC', { at: NOWRUZ })).toBe('3/20/26')
    // Liquid's own strftime formats still work; an unknown zone falls back to UTC; a bad date is left as it is.
    expect(await render('{{ at | date: "%Y-%m-%d" }}', 'en', 'UTC', { at: NOWRUZ })).toBe('2026-03-20')
    expect(await render('{{ at | date }}', 'en', 'Mars/Olympus', { at: NOWRUZ })).toBe('March 20, 2026')
    expect(await render('{{ at | date }}', 'en', 'UTC', { at: 'someday' })).toBe('someday')
  })
})
