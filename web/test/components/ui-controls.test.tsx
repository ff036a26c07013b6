import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { Button, NumberField, PasswordField, TextField } from '../../src/ui'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => setLocale('en'))

describe('PasswordField', () => {
  it('shows and hides the password with a labelled toggle', async () => {
    const user = userEvent.setup()
    renderUi(<PasswordField label="Password" defaultValue="s3cret" />)
    const input = screen.getByLabelText('Password')
    const toggle = screen.getByRole('button', { name: 'Show password' })
    expect(input).toHaveProperty('type', 'password')
    expect(toggle.getAttribute('aria-pressed')).toBe('false')

    await user.click(toggle)
    expect(input).toHaveProperty('type', 'text')
    expect(toggle.getAttribute('aria-pressed')).toBe('true')

    await user.click(toggle)
    expect(input).toHaveProperty('type', 'password')
    expect(toggle.getAttribute('aria-pressed')).toBe('false')
  })
})

describe('TextField', () => {
  it('ties its description and error to the input and marks it invalid', () => {
    renderUi(<TextField label="Email" type="email" description="We never share it." errorMessage="Enter a valid email address." />)
    const input = screen.getByLabelText('Email')
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(input.getAttribute('dir')).toBe('ltr')
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent)
    expect(described).toContain('We never share it.')
    expect(described).toContain('Enter a valid email address.')
  })
})

describe('Button', () => {
  it('is busy and ignores presses while pending, keeping its label', async () => {
    const user = userEvent.setup()
    const onPress = vi.fn()
    function Harness() {
      const [pending, setPending] = useState(true)
      return (
        <>
          <Button isPending={pending} onPress={onPress}>
            Save
          </Button>
          <button type="button" onClick={() => setPending(false)}>
            done
          </button>
        </>
      )
    }
    renderUi(<Harness />)
    const button = screen.getByRole('button', { name: 'Save' })
    expect(button.getAttribute('aria-busy')).toBe('true')
    expect(button.getAttribute('aria-disabled')).toBe('true')
    await user.click(button)
    expect(onPress).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'done' }))
    expect(button.getAttribute('aria-busy')).toBeNull()
    await user.click(button)
    expect(onPress).toHaveBeenCalledTimes(1)
  })
})

describe('in Persian', () => {
  it('lays out right to left and shows Persian digits in a NumberField', async () => {
    setLocale('fa')
    const onChange = vi.fn()
    renderUi(<NumberField label="تعداد" defaultValue={1234} onChange={onChange} />)
    await waitFor(() => expect(document.documentElement.dir).toBe('rtl'))
    const input = screen.getByRole<HTMLInputElement>('textbox', { name: 'تعداد' })
    expect(input.value).toBe('۱٬۲۳۴')
    expect(screen.getByRole('button', { name: 'افزایش تعداد' })).toBeTruthy()

    // Typed Persian digits are read as the number.
    const user = userEvent.setup()
    await user.clear(input)
    await user.type(input, '۵۶')
    await act(async () => input.blur())
    expect(onChange).toHaveBeenLastCalledWith(56)
    expect(input.value).toBe('۵۶')
  })
})
