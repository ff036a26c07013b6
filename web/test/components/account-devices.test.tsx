// The devices page: removal asks first, takes the row away at once, and puts it back (with what
// failed and a retry) when the server refuses.
import { QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { queryClient } from '../../src/data/queryClient'
import { Devices } from '../../src/features/account/Devices'
import { I18nProvider } from '../../src/i18n'
import { AriaLocaleProvider } from '../../src/ui'
import { setLocale } from './ui-render'

const device = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  kind: 'fcm',
  label: 'Pixel 8',
  disabled: false,
  createdAt: '2026-01-02T10:00:00Z',
}
const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } })

let refuseDelete = true
let listed = [device]
// The DELETE waits for this, so the test sees the page before the server answers.
let answerDelete: () => void = () => {}
// Reads after the first wait too: the row must come back from the rollback, not a new read.
let holdReads = false
const calls: string[] = []

beforeEach(() => {
  setLocale('en')
  refuseDelete = true
  holdReads = false
  listed = [device]
  calls.length = 0
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET'
      calls.push(`${method} ${new URL(url, 'http://x').pathname}`)
      if (method === 'GET') {
        if (holdReads) await new Promise(() => {})
        return json(200, { items: listed })
      }
      await new Promise<void>((resolve) => (answerDelete = resolve))
      if (refuseDelete) return json(500, { type: 'about:blank', title: 'Boom', status: 500, code: 'internal' })
      listed = []
      return new Response(null, { status: 204 })
    }),
  )
})
afterEach(() => {
  vi.unstubAllGlobals()
  queryClient.clear()
})

function renderPage() {
  return render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <AriaLocaleProvider>
          <main>
            <Devices />
          </main>
        </AriaLocaleProvider>
      </I18nProvider>
    </QueryClientProvider>,
  )
}

describe('Devices', () => {
  it('asks, removes at once, puts the row back on a refusal, and retries', async () => {
    const user = userEvent.setup()
    renderPage()
    await screen.findByRole('rowheader', { name: 'Pixel 8' })
    holdReads = true

    await user.click(screen.getByRole('button', { name: /Remove .*Pixel 8/ }))
    const dialog = await screen.findByRole('alertdialog', { name: /Remove .*Pixel 8.*\?/ })
    expect(calls.filter((c) => c.startsWith('DELETE'))).toHaveLength(0)
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }))

    // Gone at once, before the server answers…
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: 'Pixel 8' })).toBeNull())
    // …and back when it refuses, with what failed and a retry.
    await waitFor(() => expect(calls).toContain(`DELETE /v1/me/devices/${device.id}`))
    answerDelete()
    const alert = await screen.findByRole('alert')
    await screen.findByRole('rowheader', { name: 'Pixel 8' })
    expect(alert.textContent).toMatch(/Pixel 8.*could not be removed/)

    refuseDelete = false
    holdReads = false
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: 'Pixel 8' })).toBeNull())
    await waitFor(() => expect(calls.filter((c) => c.startsWith('DELETE'))).toHaveLength(2))
    answerDelete()
    await screen.findByText(/Pixel 8.*was removed\./)
    await screen.findByText('No devices yet.')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('a failed read says so, with a retry', async () => {
    const user = userEvent.setup()
    let fail = true
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        fail ? json(404, { type: 'about:blank', title: 'Nope', status: 404, code: 'not_found' }) : json(200, { items: [device] }),
      ),
    )
    renderPage()
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Your devices could not be loaded.')
    fail = false
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    await screen.findByRole('rowheader', { name: 'Pixel 8' })
  })
})
