// Links in rendered notifications may only be http, https, mailto or tel (or relative). Trigger
// data fills templates, so a link can come from anyone who can trigger a send; a `javascript:`
// or `data:` URL must never reach an email's href, an inbox item's actionUrl or a push link.
//
// The check is an allowlist on what a browser would see: character references decoded, leading
// and trailing control characters and spaces trimmed, tabs and newlines removed (what the URL
// parser does), the scheme compared without regard to case. A colon before the first / ? or #
// names a scheme, and anything but the four allowed is refused; a value with an undecoded `&`
// before that point is refused too, since a character reference this file does not know could
// still spell a colon there.
//
// Email HTML is scanned as the HTML tokenizer reads it (tags, attribute quoting, comments, raw
// text elements such as <style> and <title>), and URL attributes are rewritten in place. The
// tokenizer's reading depends on context only through a few elements that email has no use for:
// foreign content (<svg>, <math>), <script>, <noscript> (reads differently with scripting on or
// off), <select>, <frameset> and <frame>; and <iframe>, whose srcdoc is a whole document. Their
// tags are turned into text (`&lt;svg`), so the scan reads the document exactly as a browser does
// and nothing can hide behind a parsing difference.

const ALLOWED_SCHEME = /^(?:https?|mailto|tel)$/i // no `u` flag: only ASCII letters fold
const SAFE_VALUE = '"#"' // what an unsafe URL attribute's value becomes

/** Attributes holding one URL (HTML and SVG, current and legacy). */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'background',
  'cite',
  'codebase',
  'data',
  'dynsrc',
  'lowsrc',
  'longdesc',
  'poster',
  'profile',
  'usemap',
  'manifest',
  'icon',
  'classid',
  'itemtype',
])
/** Attributes holding several URLs separated by spaces or commas (with descriptors for srcset). */
const URL_LIST_ATTRIBUTES = new Set(['srcset', 'imagesrcset', 'ping', 'archive'])
/** Elements whose tags become text: see the header. */
const NEUTRALIZED = new Set(['script', 'noscript', 'svg', 'math', 'select', 'frameset', 'frame', 'iframe'])
/** Elements whose content is text up to their end tag (RAWTEXT and RCDATA in the HTML tokenizer). */
const RAW_TEXT = new Set(['style', 'title', 'textarea', 'xmp', 'noembed', 'noframes'])

// The few named references that can change how a URL's scheme reads (plus the common ones);
// any other `&name;` is left as it is and caught by the undecoded-`&` rule.
const NAMED_REFERENCES: Record<string, string> = {
  amp: '&',
  AMP: '&',
  lt: '<',
  LT: '<',
  gt: '>',
  GT: '>',
  quot: '"',
  QUOT: '"',
  apos: "'",
  nbsp: '\u00a0',
  Tab: '\t',
  NewLine: '\n',
  colon: ':',
  sol: '/',
  quest: '?',
  num: '#',
  period: '.',
  plus: '+',
  excl: '!',
  semi: ';',
  equals: '=',
  commat: '@',
  percnt: '%',
  lpar: '(',
  rpar: ')',
}

/** Decodes numeric character references (with or without `;`) and the named ones above. */
export function decodeCharacterReferences(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*);)/g, (match, hex, decimal, name) => {
    if (name !== undefined) return NAMED_REFERENCES[name] ?? match
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal, 10)
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd'
    return String.fromCodePoint(code)
  })
}

/** Whether a URL may stand in a link: http, https, mailto, tel, or relative (see the header). */
export function isSafeUrl(value: string): boolean {
  const decoded = decodeCharacterReferences(value)
  // Trimmed by hand: a regex anchored at the end backtracks quadratically on long runs of spaces.
  let from = 0
  let to = decoded.length
  while (from < to && decoded.charCodeAt(from) <= 0x20) from++
  while (to > from && decoded.charCodeAt(to - 1) <= 0x20) to--
  const url = decoded.slice(from, to).replace(/[\t\n\r]/g, '')
  const colon = url.indexOf(':')
  const pathStart = url.search(/[/?#]/)
  if (colon !== -1 && (pathStart === -1 || colon < pathStart)) return ALLOWED_SCHEME.test(url.slice(0, colon))
  return !url.slice(0, pathStart === -1 ? url.length : pathStart).includes('&')
}

/** Push data keys meant as links: url, link, href, deeplink, click_action, imageUrl, open_link… */
export function isLinkKey(key: string): boolean {
  return /(?:url|uri|link|href)$/i.test(key) || key.toLowerCase() === 'click_action'
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r'
const isAsciiLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

interface Attribute {
  name: string
  /** The value as written (without its quotes), or null for an attribute without one. */
  value: string | null
  /** Where the value stands in the document, quotes included. */
  start: number
  end: number
}

/** Reads a tag's attributes from `i` (just after its name) as the HTML tokenizer does; `end` is after its `>`. */
function readAttributes(html: string, i: number): { end: number; attributes: Attribute[] } {
  const attributes: Attribute[] = []
  const n = html.length
  while (i < n) {
    const c = html[i]
    if (isSpace(c) || c === '/') {
      i++
      continue
    }
    if (c === '>') return { end: i + 1, attributes }
    const nameStart = i++ // the first character belongs to the name even if it is `=`
    while (i < n && !isSpace(html[i]) && html[i] !== '/' && html[i] !== '>' && html[i] !== '=') i++
    const name = asciiLower(html.slice(nameStart, i))
    while (isSpace(html[i])) i++
    if (html[i] !== '=') {
      attributes.push({ name, value: null, start: i, end: i })
      continue
    }
    i++
    while (isSpace(html[i])) i++
    const quote = html[i]
    if (i >= n || quote === '>') {
      attributes.push({ name, value: null, start: i, end: i })
      continue
    }
    const start = i
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, i + 1)
      i = close === -1 ? n : close + 1
      attributes.push({ name, value: html.slice(start + 1, close === -1 ? n : close), start, end: i })
    } else {
      while (i < n && !isSpace(html[i]) && html[i] !== '>') i++
      attributes.push({ name, value: html.slice(start, i), start, end: i })
    }
  }
  return { end: n, attributes }
}

/** The URL a `<meta http-equiv="refresh" content="5; url=…">` sends to, if any. */
function refreshTarget(content: string): string {
  const match = /^[\s\d.]*[;,]?\s*(?:url\s*=\s*)?(.*)$/is.exec(content)
  return (match?.[1] ?? '').replace(/^(["'])(.*?)\1?$/s, '$2')
}

/** The attributes of one tag that must change, as [start, end, replacement]. */
function unsafeAttributes(tagName: string, attributes: Attribute[]): [number, number, string][] {
  const edits: [number, number, string][] = []
  const refresh =
    tagName === 'meta' &&
    attributes.some((a) => a.name === 'http-equiv' && asciiLower(decodeCharacterReferences(a.value ?? '')).trim() === 'refresh')
  for (const a of attributes) {
    if (a.value === null) continue
    if (URL_ATTRIBUTES.has(a.name)) {
      if (!isSafeUrl(a.value)) edits.push([a.start, a.end, SAFE_VALUE])
    } else if (URL_LIST_ATTRIBUTES.has(a.name)) {
      if (!a.value.split(/[\s,]+/).every(isSafeUrl)) edits.push([a.start, a.end, SAFE_VALUE])
    } else if (refresh && a.name === 'content') {
      if (!isSafeUrl(refreshTarget(a.value))) edits.push([a.start, a.end, SAFE_VALUE])
    } else if (a.name.startsWith('on') && a.value !== '') {
      edits.push([a.start, a.end, '""']) // an event handler is code, not a link, but no safer for it
    }
  }
  return edits
}

/** Index just past the raw text of `name` that starts at `from`: its end tag, or the end of the document. */
function rawTextEnd(html: string, name: string, from: number): number {
  const endTag = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi')
  endTag.lastIndex = from
  return endTag.exec(html)?.index ?? html.length
}

/** Where a comment or other markup declaration starting at `i` (`<!` or `<?`) ends. */
function declarationEnd(html: string, i: number): number {
  if (html.startsWith('<!--', i)) {
    const body = i + 4
    if (html.startsWith('>', body)) return body + 1
    if (html.startsWith('->', body)) return body + 2
    const close = /--!?>/g
    close.lastIndex = body
    const end = close.exec(html)
    return end ? end.index + end[0].length : html.length
  }
  const close = html.indexOf('>', i + 2)
  return close === -1 ? html.length : close + 1
}

/**
 * Email HTML with every URL attribute that is not http, https, mailto, tel or relative replaced by
 * `#`, event-handler attributes emptied, and the tags of context-dependent elements turned into text.
 */
export function sanitizeHtmlLinks(html: string): string {
  const out: string[] = []
  let copied = 0
  const replace = (start: number, end: number, text: string) => {
    out.push(html.slice(copied, start), text)
    copied = end
  }
  const n = html.length
  let i = html.indexOf('<')
  while (i !== -1 && i < n) {
    const next = html[i + 1]
    if (next === '!' || next === '?') {
      i = html.indexOf('<', declarationEnd(html, i))
      continue
    }
    const closing = next === '/'
    const nameStart = closing ? i + 2 : i + 1
    if (!isAsciiLetter(html[nameStart])) {
      // `</>` is dropped, `</ x>` is a bogus comment up to `>`, a lone `<` is text.
      i =
        closing && nameStart < n
          ? html.indexOf('<', html[nameStart] === '>' ? nameStart + 1 : declarationEnd(html, i))
          : html.indexOf('<', i + 1)
      continue
    }
    let nameEnd = nameStart
    while (nameEnd < n && !isSpace(html[nameEnd]) && html[nameEnd] !== '/' && html[nameEnd] !== '>') nameEnd++
    const name = asciiLower(html.slice(nameStart, nameEnd))
    if (NEUTRALIZED.has(name)) {
      replace(i, i + 1, '&lt;')
      i = html.indexOf('<', i + 1)
      continue
    }
    const { end, attributes } = readAttributes(html, nameEnd)
    for (const [start, stop, text] of unsafeAttributes(name, attributes)) replace(start, stop, text)
    if (closing || end >= n) {
      i = html.indexOf('<', end)
      continue
    }
    if (name === 'plaintext') break // everything after it is text
    i = html.indexOf('<', RAW_TEXT.has(name) ? rawTextEnd(html, name, end) : end)
  }
  if (copied === 0) return html
  out.push(html.slice(copied))
  return out.join('')
}
