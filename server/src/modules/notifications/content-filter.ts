// A content filter for outgoing SMS/notification text: blocked words and link rules, matched on
// normalized text so that spelling variants (Arabic vs Persian letters, ZWNJ, digits of either
// script, hidden zero-width characters) cannot slip past a rule.

export type LinkRule = 'allow' | 'block' | { allowDomains: string[] }

export interface ContentRules {
  blockedWords: string[]
  links: LinkRule
}

export type ContentCheck = { ok: true } | { ok: false; reason: string }

export interface ContentFilter {
  check(text: string): ContentCheck
}

const LETTER_MAP: Record<string, string> = {
  ي: 'ی', // Arabic yeh → Persian yeh
  ى: 'ی', // alef maksura → Persian yeh
  ك: 'ک', // Arabic kaf → Persian keheh
  ة: 'ه', // teh marbuta → heh
}

// ZWNJ/ZWJ/ZWSP, bidi marks and embeddings, word joiners, BOM, soft hyphen, Arabic tatweel:
// all invisible (or purely decorative) in the rendered text, so they only serve to hide a word.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\u00AD\u0640]/g
// Arabic harakat (fathatan … sukun and the extended marks) and the superscript alef.
const DIACRITICS = /[\u064B-\u065F\u0670]/g
const NON_ASCII_DIGIT = /[\u06F0-\u06F9\u0660-\u0669]/g

/**
 * The canonical form rules are matched on. NFKC first, so Arabic presentation forms
 * (e.g. U+FEDB) and full-width Latin fold into their base letters before the mappings below.
 */
export function normalizePersian(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(DIACRITICS, '')
    .replace(/[يىكة]/g, (ch) => LETTER_MAP[ch])
    .replace(NON_ASCII_DIGIT, (ch) => String(ch.codePointAt(0)! - (ch >= '\u06F0' ? 0x06f0 : 0x0660)))
    .toLowerCase()
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

// A "word" character for boundaries in any script: letters, combining marks and digits.
// (JavaScript's \b only knows ASCII, so it would match inside Persian words.)
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]'

function blockedWordPattern(words: string[]): RegExp | undefined {
  const alternatives = words
    .map((word) => normalizePersian(word).trim())
    .filter((word) => word.length > 0)
    // Longest first, so the reason names the most specific word that matched.
    .sort((a, b) => b.length - a.length)
    .map((word) => word.split(/\s+/).map(escapeRegExp).join('\\s+'))
  if (alternatives.length === 0) return undefined
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join('|')})(?!${WORD_CHAR})`, 'u')
}

// Links: anything with an http(s) scheme, and bare domains (example.com/x, www.shop.ir, also the
// domain of user@example.com). Bare domains are ASCII only: "word.word" in Persian text without
// a space is too common to treat as a link, and a scheme URL with a Unicode host is still caught.
const SCHEME_URL = /https?:\/\/[^\s<>"'()]+/giu
const TRAILING_PUNCTUATION = /[.,;:!?'"\]}،؛؟…]+$/u
const BARE_DOMAIN = /(?<![a-z0-9-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?![a-z0-9-])/g

/** The host of each link in already-normalized text; '' for a scheme URL whose host cannot be parsed. */
function linkHosts(normalized: string): string[] {
  const hosts: string[] = []
  const rest = normalized.replace(SCHEME_URL, (match) => {
    // Sentence punctuation after a link is not part of it ("see https://a.ir.").
    const url = match.replace(TRAILING_PUNCTUATION, '')
    try {
      hosts.push(new URL(url).hostname.replace(/\.$/, ''))
    } catch {
      hosts.push('')
    }
    return ' '
  })
  for (const match of rest.matchAll(BARE_DOMAIN)) hosts.push(match[0])
  return hosts
}

/** Domains as URL hosts (lower-case, punycode), so 'Shop.IR' and IDNs compare like the hosts found. */
function canonicalDomain(domain: string): string {
  const bare = domain.trim().replace(/^\*?\./, '')
  try {
    return new URL(`http://${bare}`).hostname
  } catch {
    return bare.toLowerCase()
  }
}

function hostAllowed(host: string, allowDomains: string[]): boolean {
  return host !== '' && allowDomains.some((domain) => host === domain || host.endsWith(`.${domain}`))
}

export function createContentFilter(rules: ContentRules): ContentFilter {
  const blocked = blockedWordPattern(rules.blockedWords)
  const allowDomains = typeof rules.links === 'object' ? rules.links.allowDomains.map(canonicalDomain).filter(Boolean) : []
  return {
    check(text) {
      const normalized = normalizePersian(text)
      // ZWNJ joins parts of one word (کلاه‌برداری) but also a suffix to a word (کلاهبرداری‌ها):
      // try it both removed and as a boundary, so neither spelling hides a blocked word.
      const word = blocked?.exec(normalized) ?? blocked?.exec(normalizePersian(text.replaceAll('\u200C', ' ')))
      if (word) return { ok: false, reason: `blocked word: "${word[0]}"` }
      if (rules.links === 'allow') return { ok: true }
      const hosts = linkHosts(normalized)
      if (hosts.length === 0) return { ok: true }
      if (rules.links === 'block') return { ok: false, reason: `links are not allowed (found ${hosts[0] || 'a link'})` }
      const denied = hosts.find((host) => !hostAllowed(host, allowDomains))
      if (denied !== undefined) return { ok: false, reason: `link to ${denied || 'an unreadable host'} is not allowed` }
      return { ok: true }
    },
  }
}
