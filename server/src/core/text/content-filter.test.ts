import { describe, expect, it } from 'vitest'
import { createContentFilter, normalizePersian } from './content-filter'
import { wordTokens } from './persian'

const ZWNJ = '\u200C'

describe('normalizePersian', () => {
  it('maps Arabic letter forms to their Persian equivalents', () => {
    expect(normalizePersian('علي')).toBe('علی')
    expect(normalizePersian('موسى')).toBe('موسی')
    expect(normalizePersian('كتاب')).toBe('کتاب')
    expect(normalizePersian('مدرسة')).toBe('مدرسه')
  })

  it('removes ZWNJ, other zero-width characters and tatweel', () => {
    expect(normalizePersian(`می${ZWNJ}روم`)).toBe('میروم')
    expect(normalizePersian('کلا\u200Bه\u200Dبر\u2060داری\uFEFF')).toBe('کلاهبرداری')
    expect(normalizePersian('ســـلام')).toBe('سلام')
  })

  it('turns Persian and Arabic-Indic digits into ASCII digits', () => {
    expect(normalizePersian('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789')
    expect(normalizePersian('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789')
    expect(normalizePersian('کد ۱۲٣')).toBe('کد 123')
  })

  it('removes Arabic diacritics (harakat)', () => {
    expect(normalizePersian('مُحَمَّد')).toBe('محمد')
    expect(normalizePersian('كِتَابٌ')).toBe('کتاب')
  })

  it('lower-cases Latin and folds presentation forms and full-width letters', () => {
    expect(normalizePersian('Hello WORLD')).toBe('hello world')
    expect(normalizePersian('ﻛﺘﺎﺏ')).toBe('کتاب') // Arabic presentation forms
    expect(normalizePersian('ＦＲＥＥ')).toBe('free')
  })
})

describe('createContentFilter: blocked words', () => {
  const filter = createContentFilter({ blockedWords: ['کلاهبرداری', 'casino', 'free money', 'کد ۱۲۳'], links: 'allow' })

  it('passes clean Persian and English text', () => {
    expect(filter.check('سفارش شما ارسال شد. کد پیگیری: ۴۵۶')).toEqual({ ok: true })
    expect(filter.check('Your order has shipped')).toEqual({ ok: true })
  })

  it('blocks a Persian word written with an Arabic kaf and a ZWNJ', () => {
    const result = filter.check(`این یک كلاه${ZWNJ}برداری است`)
    expect(result).toEqual({ ok: false, reason: 'blocked word: "کلاهبرداری"' })
  })

  it('blocks through diacritics, tatweel and zero-width characters', () => {
    expect(filter.check('کلاهبـــرداری').ok).toBe(false)
    expect(filter.check('کَلاهبرداری').ok).toBe(false)
    expect(filter.check('c\u200Basino').ok).toBe(false)
  })

  it('matches Latin words case-insensitively and multi-word entries across any whitespace', () => {
    expect(filter.check('Play CASINO now').ok).toBe(false)
    expect(filter.check('get Free   Money today').ok).toBe(false)
    expect(filter.check('free\nmoney').ok).toBe(false)
  })

  it('matches a word with digits whichever script the digits are written in', () => {
    expect(filter.check('کد 123 را وارد کنید').ok).toBe(false)
    expect(filter.check('کد ١٢٣ را وارد کنید').ok).toBe(false)
    expect(filter.check('کد 1234 را وارد کنید').ok).toBe(true)
  })

  it('matches whole words only, in both scripts', () => {
    expect(filter.check('casinos are closed').ok).toBe(true)
    expect(filter.check('the minicasino').ok).toBe(true)
    // A Persian word that merely contains the blocked one as a part is not the word.
    expect(filter.check('ضدکلاهبرداری').ok).toBe(true)
    expect(filter.check('کلاهبرداریها').ok).toBe(true)
    expect(filter.check(`کلاهبرداری${ZWNJ}ها`).ok).toBe(false) // a suffix joined by ZWNJ is still the word
    expect(filter.check('«کلاهبرداری»').ok).toBe(false) // punctuation is a boundary
    expect(filter.check('casino!').ok).toBe(false)
  })

  it('ignores empty entries', () => {
    expect(createContentFilter({ blockedWords: ['', '  '], links: 'allow' }).check('anything')).toEqual({ ok: true })
  })
})

describe('createContentFilter: links', () => {
  it('allows any link when links are allowed', () => {
    const filter = createContentFilter({ blockedWords: [], links: 'allow' })
    expect(filter.check('see https://evil.example/x and bit.ly/abc')).toEqual({ ok: true })
  })

  it('blocks scheme URLs and bare domains when links are blocked', () => {
    const filter = createContentFilter({ blockedWords: [], links: 'block' })
    expect(filter.check('برای پیگیری به https://shop.ir/track بروید').ok).toBe(false)
    expect(filter.check('HTTP://EXAMPLE.COM').ok).toBe(false)
    expect(filter.check('visit example.com/x today')).toEqual({ ok: false, reason: 'links are not allowed (found example.com)' })
    expect(filter.check('www.shop.co.uk')).toMatchObject({ ok: false })
    expect(filter.check('سایت‌ما:digikala.com')).toMatchObject({ ok: false })
    expect(filter.check('exa\u200Bmple.com')).toMatchObject({ ok: false }) // hidden zero-width split
  })

  it('does not mistake numbers, abbreviations or plain sentences for links', () => {
    const filter = createContentFilter({ blockedWords: [], links: 'block' })
    expect(filter.check('Total: 1.5 kg, version 2.0.1, e.g. tomorrow at 10.30 a.m.')).toEqual({ ok: true })
    expect(filter.check('مبلغ ۱۲.۵۰۰ تومان پرداخت شد.')).toEqual({ ok: true })
    expect(filter.check('Thanks. See you soon.')).toEqual({ ok: true })
  })

  it('allows listed domains and their subdomains only', () => {
    const filter = createContentFilter({ blockedWords: [], links: { allowDomains: ['Shop.ir', 'example.com'] } })
    expect(filter.check('https://shop.ir/track/1')).toEqual({ ok: true })
    expect(filter.check('https://m.shop.ir/x, and www.example.com.')).toEqual({ ok: true })
    expect(filter.check('track at shop.ir/t/1')).toEqual({ ok: true })
    expect(filter.check('https://evilshop.ir/x')).toEqual({ ok: false, reason: 'link to evilshop.ir is not allowed' })
    expect(filter.check('https://shop.ir.evil.com/x')).toEqual({ ok: false, reason: 'link to shop.ir.evil.com is not allowed' })
    expect(filter.check('shop.ir and bit.ly/x')).toEqual({ ok: false, reason: 'link to bit.ly is not allowed' })
  })

  it('judges a scheme URL by its real host, not by userinfo that looks like an allowed domain', () => {
    const filter = createContentFilter({ blockedWords: [], links: { allowDomains: ['shop.ir'] } })
    expect(filter.check('https://shop.ir@evil.com/login')).toEqual({ ok: false, reason: 'link to evil.com is not allowed' })
  })

  it('handles internationalized domains in URLs and in the allow list', () => {
    const filter = createContentFilter({ blockedWords: [], links: { allowDomains: ['فروشگاه.ایران'] } })
    expect(filter.check('https://فروشگاه.ایران/سفارش')).toEqual({ ok: true })
    expect(filter.check('https://دیگر.ایران/x').ok).toBe(false)
  })

  it('checks blocked words before links', () => {
    const filter = createContentFilter({ blockedWords: ['casino'], links: 'block' })
    expect(filter.check('casino at casino.com')).toEqual({ ok: false, reason: 'blocked word: "casino"' })
  })
})

describe('mask', () => {
  const filter = createContentFilter({ blockedWords: ['کلاهبرداری', 'bad word'], links: { allowDomains: ['caravan.ir'] } })
  it('replaces blocked words where they are written, whatever the spelling variant', () => {
    expect(filter.mask('این كلاه‌برداری است')).toBe('این *********** است')
    expect(filter.mask('A Bad   Word here, bad words not')).toBe('A ***   **** here, bad words not')
    expect(filter.mask('سلام دنیا')).toBe('سلام دنیا')
  })
  it('replaces links to hosts the rules do not allow', () => {
    expect(filter.mask('see https://evil.example/x and https://caravan.ir/ok')).toBe('see ********************** and https://caravan.ir/ok')
    expect(filter.mask('visit shop.evil.com.')).toBe('visit *************.')
  })
})

describe('wordTokens', () => {
  it('gives the normalized distinct words of a text in any script', () => {
    expect(wordTokens('می‌روم و ميروم، BOOKS ۱۲۳ 😀 books')).toEqual(['میروم', 'و', 'books', '123'])
  })
})
