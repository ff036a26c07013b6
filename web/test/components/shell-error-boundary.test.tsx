// The router's safety net: a page whose code fails to download, or that throws while rendering,
// shows what failed and a retry instead of a blank page; a navigation (resetKey) forgets the error;
// while a page's code downloads, PageLoading says so.
import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { lazy, Suspense, useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ChunkLoadError, ErrorBoundary } from '../../src/features/shell/ErrorBoundary'
import { PageLoading } from '../../src/features/shell/PageLoading'
import { renderUi, setLocale } from './ui-render'

afterEach(() => vi.restoreAllMocks())

describe('ErrorBoundary', () => {
  it('offers a reload when a page chunk failed to load', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const reload = vi.spyOn(window.location, 'reload').mockImplementation(() => {})
    function Broken(): never {
      throw new ChunkLoadError(new TypeError('Failed to fetch dynamically imported module'))
    }
    renderUi(
      <ErrorBoundary resetKey="/profile">
        <Broken />
      </ErrorBoundary>,
    )
    expect(screen.getByRole('heading', { name: 'This page could not be loaded' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toContain('Caravan was updated')
    await userEvent.click(screen.getByRole('button', { name: 'Reload the page' }))
    expect(reload).toHaveBeenCalledOnce()
  })

  it('renders again on Try again after a render error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    let fail = true
    function Flaky() {
      if (fail) throw new Error('boom')
      return <p>Page content</p>
    }
    renderUi(
      <ErrorBoundary resetKey="/a">
        <Flaky />
      </ErrorBoundary>,
    )
    expect(screen.getByRole('heading', { name: 'This page could not be shown' })).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    // Still failing: the message stays rather than a blank page.
    expect(screen.getByRole('heading', { name: 'This page could not be shown' })).toBeTruthy()
    fail = false
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(screen.getByText('Page content')).toBeTruthy()
  })

  it('forgets the error when the path changes', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    let fail = true
    function Flaky() {
      if (fail) throw new Error('boom')
      return <p>Page content</p>
    }
    function Routed() {
      const [path, setPath] = useState('/a')
      return (
        <>
          <button type="button" onClick={() => setPath('/b')}>
            Navigate
          </button>
          <ErrorBoundary resetKey={path}>
            <Flaky />
          </ErrorBoundary>
        </>
      )
    }
    renderUi(<Routed />)
    expect(screen.getByRole('heading', { name: 'This page could not be shown' })).toBeTruthy()
    fail = false
    await userEvent.click(screen.getByRole('button', { name: 'Navigate' }))
    expect(screen.getByText('Page content')).toBeTruthy()
  })

  it('speaks Persian in Persian', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    setLocale('fa')
    function Broken(): never {
      throw new ChunkLoadError(new Error('offline'))
    }
    renderUi(
      <ErrorBoundary resetKey="/">
        <Broken />
      </ErrorBoundary>,
    )
    expect(screen.getByRole('heading', { name: 'این صفحه بارگذاری نشد' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'بارگذاری دوبارهٔ صفحه' })).toBeTruthy()
  })
})

describe('PageLoading', () => {
  it('says the page is loading while its code downloads', () => {
    const Never = lazy(() => new Promise<{ default: () => null }>(() => {}))
    renderUi(
      <Suspense fallback={<PageLoading />}>
        <Never />
      </Suspense>,
    )
    expect(screen.getByRole('status').textContent).toBe('Loading the page…')
  })
})
