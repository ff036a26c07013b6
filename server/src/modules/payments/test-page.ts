// The test gateway's hosted page: what the payer sees "at the bank". Plain server-rendered HTML
// (it stands for a page on another site, so it does not load the web app), in Persian (right to
// left, Persian digits) or English, with the amount, the description and two buttons.
import { formatAmount } from '../../core/money/currency'
import type { TestChargeRow } from './repo'

const TEXT = {
  en: {
    title: 'Test gateway',
    note: 'No money moves here: this page stands in for a real gateway. Choose what the bank would answer.',
    amount: 'Amount',
    description: 'For',
    pay: 'Pay',
    fail: 'Fail',
    closed: 'This payment was already answered.',
  },
  fa: {
    title: 'درگاه آزمایشی',
    note: 'اینجا پولی جابه‌جا نمی‌شود: این صفحه جای یک درگاه واقعی است. پاسخ بانک را انتخاب کنید.',
    amount: 'مبلغ',
    description: 'بابت',
    pay: 'پرداخت',
    fail: 'ناموفق',
    closed: 'به این پرداخت پیش‌تر پاسخ داده شده است.',
  },
} as const

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function testGatewayPage(charge: TestChargeRow, locale: 'fa' | 'en', action: string): string {
  const t = TEXT[locale]
  const amount = formatAmount(charge.amount, charge.currency, locale)
  const open = charge.status === 'open'
  return `<!doctype html>
<html lang="${locale}" dir="${locale === 'fa' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<style>
  body { font-family: system-ui, "Vazirmatn", "Noto Sans Arabic", sans-serif; background: #f4f5f7; color: #1b1f24; margin: 0; padding: 16px; }
  main { max-width: 420px; margin: 8vh auto; background: #fff; border-radius: 12px; padding: 24px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.3rem; margin: 0 0 8px; }
  p.note { color: #4a5260; font-size: .9rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 12px; }
  dt { color: #4a5260; } dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
  .actions { display: flex; gap: 12px; margin-top: 20px; }
  button { flex: 1; font: inherit; font-weight: 600; padding: 12px; border-radius: 8px; border: 2px solid transparent; cursor: pointer; }
  button:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
  .pay { background: #136f3a; color: #fff; } .fail { background: #fff; color: #a4161a; border-color: #a4161a; }
</style>
</head>
<body>
<main>
  <h1>${t.title}</h1>
  <p class="note">${t.note}</p>
  <dl>
    <dt>${t.amount}</dt><dd>${escape(amount)}</dd>
    <dt>${t.description}</dt><dd>${escape(charge.description)}</dd>
  </dl>
  ${
    open
      ? `<form method="post" action="${escape(action)}" class="actions">
    <button class="pay" name="choice" value="pay" type="submit">${t.pay}</button>
    <button class="fail" name="choice" value="fail" type="submit">${t.fail}</button>
  </form>`
      : `<p role="status">${t.closed}</p>`
  }
</main>
</body>
</html>`
}
