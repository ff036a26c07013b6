// Relative times in both languages, and the shared minute clock that keeps them fresh.
import { act, renderHook, screen } from '@testing-library/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { I18nProvider, useI18n } from '../../src/i18n'
import { RelativeTime } from '../../src/ui/dates'
import { renderUi, setLocale } from './ui-render'

const NOW = Date.parse('2025-03-03T10:00:00.000Z')
const ago = (ms: number) => new Date(NOW - ms).toISOString()
const MINUTE = 60_000

function wrapper({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={new QueryClient()}>
      <I18nProvider>{children}</I18nProvider>
    </QueryClientProvider>
  )
}

function i18n(locale: 'fa' | 'en') {
  setLocale(locale)
  return renderHook(() => useI18n(), { wrapper }).result.current
}

afterEach(() => vi.useRealTimers())

describe('formatRelative', () => {
  it('says how long ago in English', () => {
    const { formatRelative } = i18n('en')
    expect(formatRelative(ago(20_000), NOW)).toBe('now')
    expect(formatRelative(ago(5 * MINUTE), NOW)).toBe('5 minutes ago')
    expect(formatRelative(ago(3 * 60 * MINUTE), NOW)).toBe('3 hours ago')
    expect(formatRelative(ago(24 * 60 * MINUTE), NOW)).toBe('yesterday')
    expect(formatRelative(new Date(NOW + 2 * 60 * MINUTE).toISOString(), NOW)).toBe('in 2 hours')
  })

  it('says it in Persian with Persian digits', () => {
    const { formatRelative } = i18n('fa')
    expect(formatRelative(ago(5 * MINUTE), NOW)).toBe('۵ دقیقه پیش')
    expect(formatRelative(ago(3 * 24 * 60 * MINUTE), NOW)).toBe('۳ روز پیش')
  })

  it('falls back to the date after a week (Solar Hijri in Persian, in Tehran time)', () => {
    expect(i18n('en').formatRelative('2025-01-10T12:00:00.000Z', NOW)).toBe('10 Jan 2025')
    // 2025-01-10 is 21 Dey 1403.
    expect(i18n('fa').formatRelative('2025-01-10T12:00:00.000Z', NOW)).toBe('۲۱ دی ۱۴۰۳')
  })

  it('uses Tehran as the Persian viewer’s zone when signed out', () => {
    const { timeZone, formatTime } = i18n('fa')
    expect(timeZone).toBe('Asia/Tehran')
    expect(formatTime('2025-03-03T10:00:00.000Z')).toBe('۱۳:۳۰')
  })
})

describe('RelativeTime', () => {
  it('renders a <time> with the instant and full date, and refreshes every minute', async () => {
    vi.useFakeTimers({ now: NOW })
    setLocale('en')
    const iso = ago(5 * MINUTE)
    renderUi(<RelativeTime iso={iso} />)
    const time = screen.getByText('5 minutes ago')
    expect(time.tagName).toBe('TIME')
    expect(time.getAttribute('datetime')).toBe(iso)
    expect(time.getAttribute('title')).toMatch(/3 Mar 2025/)

    await act(async () => {
      await vi.advanceTimersByTimeAsync(MINUTE)
    })
    expect(time.textContent).toBe('6 minutes ago')
  })

  it('says it in Persian', () => {
    vi.useFakeTimers({ now: NOW })
    setLocale('fa')
    renderUi(<RelativeTime iso={ago(2 * 60 * MINUTE)} />)
    expect(screen.getByText('۲ ساعت پیش').tagName).toBe('TIME')
  })
})
