import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { initTheme, ThemeSwitch } from '../../src/ui'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => {
  document.documentElement.removeAttribute('data-theme')
  initTheme()
})

describe('ThemeSwitch', () => {
  it('sets data-theme on <html> and remembers the choice', async () => {
    setLocale('en')
    const user = userEvent.setup()
    renderUi(<ThemeSwitch />)
    expect(screen.getByRole('radiogroup', { name: 'Theme' })).toBeTruthy()
    const system = screen.getByRole('radio', { name: 'Same as the device' })
    expect(system.getAttribute('aria-checked')).toBe('true')

    await user.click(screen.getByRole('radio', { name: 'Dark' }))
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark')
    expect(localStorage.getItem('caravan.theme')).toBe('dark')
    expect(screen.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true')

    await user.click(screen.getByRole('radio', { name: 'Light' }))
    expect(document.documentElement.getAttribute('data-theme')).toBe('light')

    // The device's choice: no attribute, so the stylesheet follows prefers-color-scheme.
    await user.click(system)
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false)
    expect(localStorage.getItem('caravan.theme')).toBeNull()
  })

  it('applies a remembered choice before the first render', () => {
    localStorage.setItem('caravan.theme', 'dark')
    initTheme()
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark')
  })

  it('is labelled in Persian', async () => {
    setLocale('fa')
    renderUi(<ThemeSwitch />)
    await waitFor(() => expect(screen.getByRole('radiogroup', { name: 'حالت نمایش' })).toBeTruthy())
    expect(screen.getByRole('radio', { name: 'تیره' })).toBeTruthy()
  })
})
