// The unsaved-changes guard: while an editor is dirty, a link or Back inside the app asks in a
// dialog first (Stay keeps the page, Leave goes), closing the tab gets the browser's question,
// and a clean editor leaves at once.
import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Link, navigate, useLocation } from '../../src/navigation'
import { useUnsavedChanges } from '../../src/ui/useUnsavedChanges'
import { renderUi, setLocale } from './ui-render'

function Editor() {
  const [text, setText] = useState('')
  const guard = useUnsavedChanges(text !== '')
  const { pathname } = useLocation()
  return (
    <main>
      <p data-testid="path">{pathname}</p>
      <label>
        Draft
        <input value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="button" onClick={() => setText('')}>
        Save
      </button>
      <Link to="/elsewhere">Elsewhere</Link>
      {guard}
    </main>
  )
}

const path = () => screen.getByTestId('path').textContent

/** Whether the page would ask before unloading now. */
function asksBeforeUnload(): boolean {
  const event = new Event('beforeunload', { cancelable: true })
  window.dispatchEvent(event)
  return event.defaultPrevented
}

beforeEach(() => {
  setLocale('en')
  history.replaceState(null, '', '/editor')
})
afterEach(() => history.replaceState(null, '', '/'))

describe('useUnsavedChanges', () => {
  it('leaves at once while nothing is unsaved', async () => {
    const user = userEvent.setup()
    renderUi(<Editor />)
    expect(asksBeforeUnload()).toBe(false)
    await user.click(screen.getByRole('link', { name: 'Elsewhere' }))
    await waitFor(() => expect(path()).toBe('/elsewhere'))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('asks before a link leaves unsaved changes: Cancel stays, Leave goes', async () => {
    const user = userEvent.setup()
    renderUi(<Editor />)
    await user.type(screen.getByLabelText('Draft'), 'hello')
    expect(asksBeforeUnload()).toBe(true)

    await user.click(screen.getByRole('link', { name: 'Elsewhere' }))
    const dialog = await screen.findByRole('alertdialog', { name: 'Leave without saving?' })
    expect(dialog.textContent).toContain('have not been saved')
    expect(path()).toBe('/editor')
    expect(location.pathname).toBe('/editor')

    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    expect(path()).toBe('/editor')
    expect((screen.getByLabelText('Draft') as HTMLInputElement).value).toBe('hello')

    await user.click(screen.getByRole('link', { name: 'Elsewhere' }))
    await user.click(await screen.findByRole('button', { name: 'Leave without saving' }))
    await waitFor(() => expect(path()).toBe('/elsewhere'))
    expect(location.pathname).toBe('/elsewhere')
  })

  it('holds Back too, and puts the page’s address back while it asks', async () => {
    const user = userEvent.setup()
    renderUi(<Editor />)
    await user.type(screen.getByLabelText('Draft'), 'hello')
    // What the browser does on Back: the address is already the previous page's.
    act(() => {
      history.replaceState(null, '', '/before')
      window.dispatchEvent(new PopStateEvent('popstate'))
    })
    await screen.findByRole('alertdialog', { name: 'Leave without saving?' })
    expect(location.pathname).toBe('/editor')
    expect(path()).toBe('/editor')

    await user.click(screen.getByRole('button', { name: 'Leave without saving' }))
    await waitFor(() => expect(path()).toBe('/before'))
  })

  it('lets query changes on the same page through, and stops asking once saved', async () => {
    const user = userEvent.setup()
    renderUi(<Editor />)
    await user.type(screen.getByLabelText('Draft'), 'hello')
    act(() => navigate('/editor?tab=fa', { replace: true }))
    expect(location.search).toBe('?tab=fa')
    expect(screen.queryByRole('alertdialog')).toBeNull()

    await user.click(screen.getByRole('button', { name: 'Save' }))
    expect(asksBeforeUnload()).toBe(false)
    await user.click(screen.getByRole('link', { name: 'Elsewhere' }))
    await waitFor(() => expect(path()).toBe('/elsewhere'))
  })
})
