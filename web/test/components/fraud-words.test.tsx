// A velocity reason in words (features/fraud/labels.tsx): the count the rule saw, or, when the
// server stopped counting a busy window past the rule's limit (`atLeast`), "more than the limit"
// rather than a figure that is only a lower bound. In English and in Persian (Persian digits).
import { screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { useFraudWords, type Reason } from '../../src/features/fraud/labels'
import { renderUi, setLocale } from './ui-render'

const velocity = (values: Record<string, string>): Reason => ({
  rule: 'velocity',
  id: 'ip-burst',
  score: 30,
  detail: 'ignored: the page builds its own words',
  values: { subject: 'ip', measure: 'count', limit: '300', windowSeconds: '600', ...values },
})

function Words({ reasons }: { reasons: Reason[] }) {
  const { reason } = useFraudWords()
  return (
    <ul>
      {reasons.map((r, i) => (
        <li key={i}>{reason(r)}</li>
      ))}
    </ul>
  )
}

// Without the bidi isolates (U+2068, U+2069) the messages put around each inserted value.
const shown = async () => (await screen.findAllByRole('listitem')).map((li) => li.textContent?.replace(/[\u2068\u2069]/g, ''))

afterEach(() => localStorage.clear())

describe('velocity reasons in words', () => {
  it('say the count seen, or "more than the limit" when the window was counted only past it (en)', async () => {
    setLocale('en')
    renderUi(<Words reasons={[velocity({ observed: '301' }), velocity({ observed: '302', atLeast: 'true' })]} />)
    expect(await shown()).toEqual([
      'This IP address made 301 operations within 10 minutes, over the limit of 300.',
      'This IP address made more than 300 operations within 10 minutes, over its limit.',
    ])
  })

  it('in Persian, with Persian digits', async () => {
    setLocale('fa')
    renderUi(<Words reasons={[velocity({ observed: '302', atLeast: 'true' })]} />)
    const [words] = await shown()
    expect(words).toContain('بیش از ۳۰۰ عملیات')
    expect(words).not.toContain('۳۰۲')
  })
})
