// The one responsive email layout every email shares: table-based for old clients, 600 px max,
// right-to-left with a Persian font stack for fa.
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const FOOTER = {
  fa: 'این پیام را {brand} برای شما فرستاده است. تنظیمات اعلان‌ها را در حساب کاربری خود تغییر دهید.',
  en: 'You received this message from {brand}. Change your notification settings in your account.',
}

export function emailLayout(input: {
  locale: 'fa' | 'en'
  subject: string
  bodyHtml: string
  brand: { name: string; url: string }
}): string {
  const rtl = input.locale === 'fa'
  const dir = rtl ? 'rtl' : 'ltr'
  const align = rtl ? 'right' : 'left'
  const font = rtl ? "Vazirmatn, Tahoma, 'Segoe UI', sans-serif" : "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
  const footer = escapeHtml(FOOTER[input.locale].replace('{brand}', input.brand.name))
  return `<!doctype html>
<html lang="${input.locale}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(input.subject)}</title>
<style>
  body { margin: 0; padding: 0; background: #f3f4f6; }
  .wrap { width: 100%; background: #f3f4f6; padding: 24px 0; }
  .card { max-width: 600px; margin: 0 auto; background: #ffffff; border-radius: 8px; }
  .content { padding: 32px; font-family: ${font}; font-size: 16px; line-height: 1.7; color: #111827; text-align: ${align}; direction: ${dir}; }
  .footer { padding: 16px 32px 32px; font-family: ${font}; font-size: 13px; color: #4b5563; text-align: ${align}; direction: ${dir}; }
  a { color: #1d4ed8; }
  @media (max-width: 620px) { .content, .footer { padding: 20px; } }
</style>
</head>
<body dir="${dir}">
<table role="presentation" class="wrap" width="100%" cellpadding="0" cellspacing="0"><tr><td>
<table role="presentation" class="card" width="100%" cellpadding="0" cellspacing="0" align="center">
<tr><td class="content" dir="${dir}">${input.bodyHtml}</td></tr>
<tr><td class="footer" dir="${dir}">${footer} <a href="${escapeHtml(input.brand.url)}">${escapeHtml(input.brand.name)}</a></td></tr>
</table>
</td></tr></table>
</body>
</html>`
}
