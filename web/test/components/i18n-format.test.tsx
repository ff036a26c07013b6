// The message format subset (format.ts) on its own, and through t() in both languages.
import { renderHook } from '@testing-library/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { I18nProvider, useI18n } from '../../src/i18n'
import { formatMessage, parseMessage, type MessageFormatters } from '../../src/i18n/format'
import { setLocale } from './ui-render'

function formatters(locale: string): MessageFormatters {
  return { plural: new Intl.PluralRules(locale), number: new Intl.NumberFormat(locale) }
}
const en = formatters('en-GB')
const fa = formatters('fa-IR')

const inbox = '{count, plural, =0 {No notifications} one {# notification} other {# notifications}}'

describe('formatMessage', () => {
  it('chooses the plural form by the locale rules, with # as the formatted number', () => {
    expect(formatMessage(inbox, { count: 1 }, en)).toBe('1 notification')
    expect(formatMessage(inbox, { count: 2 }, en)).toBe('2 notifications')
    expect(formatMessage(inbox, { count: 1234 }, en)).toBe('1,234 notifications')
  })

  it('prefers an exact =N match over the category', () => {
    expect(formatMessage(inbox, { count: 0 }, en)).toBe('No notifications')
    expect(formatMessage('{n, plural, =1 {just one} one {# one} other {#}}', { n: 1 }, en)).toBe('just one')
  })

  it('writes # in Persian digits in fa', () => {
    expect(formatMessage('{count, plural, other {# اعلان}}', { count: 25 }, fa)).toBe('۲۵ اعلان')
  })

  it('chooses a select branch, falling back to other', () => {
    const message = '{role, select, admin {Admins see everything} agent {Agents see their queue} other {You see your own}}'
    expect(formatMessage(message, { role: 'agent' }, en)).toBe('Agents see their queue')
    expect(formatMessage(message, { role: 'customer' }, en)).toBe('You see your own')
  })

  it('nests placeholders and selects inside plural cases', () => {
    const message =
      '{name} has {count, plural, one {# new message} other {# new messages from {who, select, team {the team} other {people}}}}.'
    expect(formatMessage(message, { name: 'Sara', count: 3, who: 'team' }, { ...en, wrap: (s) => `[${s}]` })).toBe(
      '[Sara] has 3 new messages from the team.',
    )
  })

  it('leaves what it cannot fill or parse as written', () => {
    expect(formatMessage('Hello {name}', {}, en)).toBe('Hello {name}')
    expect(formatMessage('write {{ name }} to insert', { name: 'x' }, en)).toBe('write {{ name }} to insert')
    expect(formatMessage('JSON {"a": 1}', undefined, en)).toBe('JSON {"a": 1}')
    // No `other` case: not a plural we can trust, so it stays text.
    expect(formatMessage('{n, plural, one {x}}', { n: 1 }, en)).toBe('{n, plural, one {x}}')
    expect(formatMessage(inbox, { count: 'many' }, en)).toBe('{count}')
  })

  it('parses a message once', () => {
    expect(parseMessage(inbox)).toEqual(parseMessage(inbox))
    const first = formatMessage(inbox, { count: 5 }, en)
    expect(formatMessage(inbox, { count: 5 }, en)).toBe(first)
  })
})

function wrapper({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <I18nProvider>{children}</I18nProvider>
    </QueryClientProvider>
  )
}

describe('t()', () => {
  it('pluralizes a real message in English', () => {
    setLocale('en')
    const { result } = renderHook(() => useI18n(), { wrapper })
    expect(result.current.t('dates.dayCount', { count: 1 })).toBe('1 day')
    expect(result.current.t('dates.dayCount', { count: 2 })).toBe('2 days')
  })

  it('pluralizes a real message in Persian with Persian digits', () => {
    setLocale('fa')
    const { result } = renderHook(() => useI18n(), { wrapper })
    expect(result.current.t('dates.dayCount', { count: 1 })).toBe('۱ روز')
    expect(result.current.t('dates.dayCount', { count: 12 })).toBe('۱۲ روز')
  })

  it('still wraps plain values in Unicode isolates', () => {
    setLocale('fa')
    const { result } = renderHook(() => useI18n(), { wrapper })
    expect(result.current.t('devices.removeTitle', { name: 'Pixel 8' })).toBe('\u2068Pixel 8\u2069 حذف شود؟')
  })
})
