// A content filter for outgoing SMS/notification text: blocked words and link rules, matched on
// normalized text so that spelling variants (Arabic vs Persian letters, ZWNJ, digits of either
// script, hidden zero-width characters) cannot slip past a rule.

import { normalizePersian, WORD_CHAR } from './persian'

export { normalizePersian }

export type LinkRule = 'allow' | 'block' | { allowDomains: string[] }

export interface ContentRules {
  blockedWords: string[]
  links: LinkRule
}

export type ContentCheck = { ok: true } | { ok: false; reason: string }

export interface ContentFilter {
  check(text: string): ContentCheck
  /** The text with blocked words and disallowed links replaced by asterisks, the rest as written. */
  mask(text: string): string
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

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
  const blockedPhrases = rules.blockedWords
    .map((word) => normalizePersian(word).trim().split(/\s+/).filter(Boolean))
    .filter((phrase) => phrase.length > 0)
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
    mask(text) {
      let out = text
      if (blockedPhrases.length) out = maskWords(out, blockedPhrases)
      if (rules.links !== 'allow') {
        const denied = (match: string) => {
          const host = linkHosts(normalizePersian(match))[0] ?? ''
          return rules.links === 'block' || !hostAllowed(host, allowDomains)
        }
        out = out.replace(SCHEME_URL, (m) => (denied(m) ? stars(m) : m))
        out = out.replace(new RegExp(BARE_DOMAIN.source, 'gi'), (m) => (denied(m) ? stars(m) : m))
      }
      return out
    },
  }
}

const stars = (text: string) => text.replace(/\S/gu, '*')

// Words as written (letters, marks, digits and the ZWNJ that may join them), with their places.
const WRITTEN_WORD = /(?:[\p{L}\p{M}\p{N}\u0640]|\u200C|\u200D)+/gu

/**
 * Masks every run of written words whose normalized forms spell a blocked phrase. Matching word
 * by word on the original text keeps each replaced span exactly where the reader sees it.
 */
function maskWords(text: string, phrases: string[][]): string {
  const words = [...text.matchAll(WRITTEN_WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, norm: normalizePersian(m[0]) }))
  const spans: [number, number][] = []
  for (let i = 0; i < words.length; i++)
    for (const phrase of phrases) {
      if (i + phrase.length > words.length) continue
      if (phrase.every((w, k) => words[i + k].norm === w)) spans.push([words[i].start, words[i + phrase.length - 1].end])
    }
  let out = ''
  let at = 0
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    if (start < at) continue
    out += text.slice(at, start) + stars(text.slice(start, end))
    at = end
  }
  return out + text.slice(at)
}
