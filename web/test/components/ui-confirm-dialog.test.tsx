import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { Button, ConfirmDialog } from '../../src/ui'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => setLocale('en'))

function Harness({ pending = false, onConfirm = () => {} }: { pending?: boolean; onConfirm?: () => void }) {
  const [asking, setAsking] = useState(false)
  return (
    <main>
      <h1 tabIndex={-1}>Users</h1>
      <Button variant="danger" onPress={() => setAsking(true)}>
        Erase Ava
      </Button>
      {asking && (
        <ConfirmDialog
          title="Erase Ava?"
          confirmLabel="Yes, erase"
          pending={pending}
          onConfirm={onConfirm}
          onCancel={() => setAsking(false)}
        >
          <p>This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </main>
  )
}

describe('ConfirmDialog', () => {
  it('starts on Cancel, cancels on Escape and gives focus back to the opener', async () => {
    const user = userEvent.setup()
    renderUi(<Harness />)
    const opener = screen.getByRole('button', { name: 'Erase Ava' })
    await user.click(opener)

    const dialog = await screen.findByRole('alertdialog', { name: 'Erase Ava?' })
    expect(dialog.getAttribute('aria-describedby')).toBeTruthy()
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toBe('This cannot be undone.')
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' })))

    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    await waitFor(() => expect(document.activeElement).toBe(opener))
  })

  it('calls onConfirm from its confirm button', async () => {
    const user = userEvent.setup()
    const onConfirm = vi.fn()
    renderUi(<Harness onConfirm={onConfirm} />)
    await user.click(screen.getByRole('button', { name: 'Erase Ava' }))
    await user.click(await screen.findByRole('button', { name: 'Yes, erase' }))
    expect(onConfirm).toHaveBeenCalledTimes(1)
  })

  it('stays open on Escape while the action runs, with Confirm busy', async () => {
    const user = userEvent.setup()
    const onConfirm = vi.fn()
    renderUi(<Harness pending onConfirm={onConfirm} />)
    await user.click(screen.getByRole('button', { name: 'Erase Ava' }))
    const confirm = await screen.findByRole('button', { name: 'Yes, erase' })
    expect(confirm.getAttribute('aria-busy')).toBe('true')
    await user.click(confirm)
    expect(onConfirm).not.toHaveBeenCalled()

    await user.keyboard('{Escape}')
    expect(screen.getByRole('alertdialog')).toBeTruthy()
  })
})
