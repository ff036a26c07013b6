import { describe, expect, it } from 'vitest'
import { emailLayout } from './email-layout'
import { isLinkKey, isSafeUrl, sanitizeHtmlLinks } from './safe-links'

describe('isSafeUrl', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    '\u0001\u0002\u001fjavascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\rscript:alert(1)',
    'javascript :alert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    '&#X6a;avascript:alert(1)',
    '&#0000106avascript:alert(1)',
    '&#x20;javascript:alert(1)',
    'jav&#x09;ascript:alert(1)',
    'java&Tab;script:alert(1)',
    'java&NewLine;script:alert(1)',
    'javascript&colon;alert(1)',
    'javascript&#58;alert(1)',
    'javascript&#x3a;alert(1)',
    'javascript&unknownref;alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'DATA:text/html,x',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'feed:javascript:alert(1)',
  ])('refuses %j', (url) => {
    expect(isSafeUrl(url)).toBe(false)
  })

  it.each([
    'https://example.com/a?b=1&c=2',
    'HTTP://EXAMPLE.COM',
    '  https://example.com/  ',
    'mailto:sara@example.com?subject=Hi',
    'tel:+989121234567',
    '/orders/A-1',
    'orders/1?at=12:30',
    '#top',
    '?q=javascript:alert(1)',
    '//cdn.example.com/logo.png',
    'https://example.com/?next=javascript:alert(1)',
    'https://example.com/a&amp;b',
    '',
  ])('allows %j', (url) => {
    expect(isSafeUrl(url)).toBe(true)
  })

  it('stays linear on long runs of spaces and references', () => {
    expect(isSafeUrl(' '.repeat(200_000) + 'https://example.com' + ' '.repeat(200_000) + 'x')).toBe(true)
    expect(isSafeUrl('&a'.repeat(100_000) + ':')).toBe(false)
  })
})

describe('isLinkKey', () => {
  it('knows the push data keys meant as links', () => {
    for (const key of ['url', 'URL', 'link', 'href', 'deeplink', 'imageUrl', 'open_link', 'click_action', 'uri'])
      expect(isLinkKey(key), key).toBe(true)
    for (const key of ['orderId', 'title', 'kind', 'urls_count']) expect(isLinkKey(key), key).toBe(false)
  })
})

describe('sanitizeHtmlLinks', () => {
  const clean = (html: string) => sanitizeHtmlLinks(html)

  it('replaces unsafe URLs in link and resource attributes, however they are written', () => {
    expect(clean('<a href="javascript:alert(1)">x</a>')).toBe('<a href="#">x</a>')
    expect(clean("<a href = 'JAVASCRIPT:alert(1)'>x</a>")).toBe('<a href = "#">x</a>')
    expect(clean('<A HREF=javascript:alert(1)>x</A>')).toBe('<A HREF="#">x</A>')
    expect(clean('<a href="&#106;avascript:alert(1)">x</a>')).toBe('<a href="#">x</a>')
    expect(clean('<a href="jav&#x09;ascript:alert(1)">x</a>')).toBe('<a href="#">x</a>')
    expect(clean('<a href="&#x20;&#x01;javascript:alert(1)">x</a>')).toBe('<a href="#">x</a>')
    expect(clean('<a href="java\tscript:alert(1)">x</a>')).toBe('<a href="#">x</a>')
    expect(clean('<a href="javascript&colon;alert(1)">x</a>')).toBe('<a href="#">x</a>')
    expect(clean('<img src="data:image/svg+xml,<svg onload=alert(1)>">')).toBe('<img src="#">')
    expect(clean('<form action="javascript:x"><button formaction="vbscript:x">go</button></form>')).toBe(
      '<form action="#"><button formaction="#">go</button></form>',
    )
    expect(clean('<base href="javascript:alert(1)//">')).toBe('<base href="#">')
    expect(clean('<table background="javascript:x"><td>')).toBe('<table background="#"><td>')
    expect(clean('<img src=x srcset="a.png 1x, javascript:alert(1) 2x">')).toBe('<img src=x srcset="#">')
    expect(clean('<a href="/ok" ping="https://t.example.com javascript:x">x</a>')).toBe('<a href="/ok" ping="#">x</a>')
    expect(clean('<meta http-equiv="Refresh" content="0; URL=\'javascript:alert(1)\'">')).toBe('<meta http-equiv="Refresh" content="#">')
    expect(clean('<a/href="javascript:alert(1)">x</a>')).toBe('<a/href="#">x</a>')
    expect(clean('<a title=">" href="javascript:alert(1)">x</a>')).toBe('<a title=">" href="#">x</a>')
    expect(clean('<a href="javascript:alert(1)')).toBe('<a href="#"')
  })

  it('keeps safe links and everything else byte for byte', () => {
    const html =
      '<p dir="rtl">سلام <a href="https://shop.example.com/o?id=1&amp;x=2">سفارش</a> <a href="mailto:help@example.com">help</a> ' +
      '<a href="tel:+98211234">call</a> <a href="/orders/1">rel</a> <img src="//cdn.example.com/a.png" srcset="a.png 1x, b.png 2x"> ' +
      '<meta http-equiv="refresh" content="30"> 1 < 2 &amp; <b>ok</b></p>'
    expect(clean(html)).toBe(html)
    const layout = emailLayout({
      locale: 'fa',
      subject: 'a < b',
      bodyHtml: html,
      brand: { name: 'Caravan', url: 'https://caravan.example' },
    })
    expect(clean(layout)).toBe(layout)
  })

  it('empties event-handler attributes', () => {
    expect(clean('<a href="/x" onclick="alert(1)" onmouseover=alert(2)>x</a>')).toBe('<a href="/x" onclick="" onmouseover="">x</a>')
  })

  it('reads comments and raw text as the browser does, so nothing hides behind them', () => {
    // Inside a comment or raw text: not a tag, left alone.
    expect(clean('<!-- <a href="javascript:x"> -->')).toBe('<!-- <a href="javascript:x"> -->')
    expect(clean('<style>a[href="javascript:x"]{}</style>')).toBe('<style>a[href="javascript:x"]{}</style>')
    // Where the browser's comment or raw text ends, the scan does too.
    expect(clean('<!--><a href="javascript:x">')).toBe('<!--><a href="#">')
    expect(clean('<!---><a href="javascript:x">')).toBe('<!---><a href="#">')
    expect(clean('<!-- a --!><a href="javascript:x">')).toBe('<!-- a --!><a href="#">')
    expect(clean('<title><a title="</title><a href=javascript:alert(1)>">')).toBe('<title><a title="</title><a href="#">">')
    expect(clean('<textarea></TEXTAREA ><a href=javascript:x>')).toBe('<textarea></TEXTAREA ><a href="#">')
    expect(clean('<!DOCTYPE html><a href=javascript:x>')).toBe('<!DOCTYPE html><a href="#">')
    expect(clean('</ x><a href=javascript:x>')).toBe('</ x><a href="#">')
  })

  it('turns the tags of context-dependent elements into text', () => {
    expect(clean('<script>alert(1)</script>')).toBe('&lt;script>alert(1)&lt;/script>')
    // With <noscript> read as markup, this <a> would carry the href; as raw text it would not.
    expect(clean('<noscript><a x="</noscript>" href="javascript:alert(1)">')).toBe('&lt;noscript><a x="</noscript>" href="#">')
    // In <svg>, <style> holds markup; in HTML, raw text. With <svg> as text, only the HTML reading remains.
    expect(clean('<svg><a xlink:href="javascript:alert(1)">x</a></svg>')).toBe('&lt;svg><a xlink:href="#">x</a>&lt;/svg>')
    expect(clean('<title><a x="</title><svg><style><a y="</style>" href="javascript:1">')).toBe(
      '<title><a x="</title>&lt;svg><style><a y="</style>" href="javascript:1">',
    )
    expect(clean('<MATH><select><frameset><frame>')).toBe('&lt;MATH>&lt;select>&lt;frameset>&lt;frame>')
    expect(clean('<iframe srcdoc="&lt;a href=javascript:alert(1)&gt;x"></iframe>')).toBe(
      '&lt;iframe srcdoc="&lt;a href=javascript:alert(1)&gt;x">&lt;/iframe>',
    )
  })

  it('stays linear on many unclosed comments and tags', () => {
    const html = '<!--'.repeat(50_000) + '<a href="javascript:x">' + '<a title="'.repeat(20_000)
    expect(clean(html).length).toBeGreaterThan(0)
  })
})
