import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { DialogTrigger } from 'react-aria-components'
import { beforeEach, describe, expect, it } from 'vitest'
import { Button, Drawer } from '../../src/ui'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => setLocale('en'))

describe('Drawer', () => {
  it('opens from its trigger as a modal, closes on Escape and gives focus back', async () => {
    const user = userEvent.setup()
    renderUi(
      <DialogTrigger>
        <Button variant="secondary">Menu</Button>
        <Drawer title="Navigation">
          <a href="/profile">Profile</a>
        </Drawer>
      </DialogTrigger>,
    )
    const opener = screen.getByRole('button', { name: 'Menu' })
    await user.click(opener)
    const sheet = await screen.findByRole('dialog', { name: 'Navigation' })
    expect(sheet.closest('.side-sheet')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy()

    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    await waitFor(() => expect(document.activeElement).toBe(opener))
  })
})
