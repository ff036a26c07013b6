import { CaravanError } from '@caravan/sdk'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { Form, FormPasswordField, FormTextField, useServerForm } from '../../src/ui'
import { renderUi, setLocale } from './ui-render'

beforeEach(() => setLocale('en'))

interface Values {
  email: string
  name: string
  password: string
  content: { html: string }
}

function Profile({ onSubmit }: { onSubmit: (values: Values) => Promise<unknown> }) {
  const form = useServerForm<Values>({ defaultValues: { email: '', name: '', password: '', content: { html: '' } }, onSubmit })
  return (
    <Form form={form} submitLabel="Save" aria-label="Profile">
      <FormTextField control={form.control} name="email" type="email" label="Email" isRequired />
      <FormTextField control={form.control} name="name" label="Name" />
      <FormPasswordField control={form.control} name="password" label="Password" />
      <FormTextField control={form.control} name="content.html" label="HTML" />
    </Form>
  )
}

const problem = (status: number, type: string, errors?: { field: string; message: string }[]) =>
  new CaravanError({ type: `https://caravan.dev/problems/${type}`, title: type, status, errors })

/** The texts an input is described by (its hint and its error). */
function descriptions(input: HTMLElement): string[] {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
}

async function fillAndSubmit() {
  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Email'), 'ava@example.com')
  await user.click(screen.getByRole('button', { name: 'Save' }))
  return user
}

describe('useServerForm', () => {
  it('puts a 422 field error on its field, marks it invalid and moves focus to the first in the form', async () => {
    // The server lists name before email; email comes first in the form, so it takes focus.
    const onSubmit = vi.fn().mockRejectedValue(
      problem(422, 'validation', [
        { field: 'body.name', message: 'too long' },
        { field: 'body.email', message: 'must match format "email"' },
        { field: 'body.content.html', message: 'unclosed <p>' },
      ]),
    )
    renderUi(<Profile onSubmit={onSubmit} />)
    await fillAndSubmit()

    const email = screen.getByLabelText('Email')
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'))
    // A field with its own message key is said in the app's words.
    expect(descriptions(email)).toContain('Enter a valid email address.')
    expect(descriptions(screen.getByLabelText('Name'))).toContain('Use 1 to 200 characters.')
    // A nested field is found by its path; with no key of its own, English pages show the server's words.
    expect(descriptions(screen.getByLabelText('HTML'))).toContain('unclosed <p>')
    await waitFor(() => expect(document.activeElement).toBe(email))
    // Every error has its field: no form alert.
    expect(screen.queryByRole('alert')).toBeNull()
    expect(onSubmit).toHaveBeenCalledWith({ email: 'ava@example.com', name: '', password: '', content: { html: '' } })
  })

  it('says a non-field problem (409) above the button', async () => {
    renderUi(<Profile onSubmit={vi.fn().mockRejectedValue(problem(409, 'conflict'))} />)
    await fillAndSubmit()
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('This conflicts with the current state. Reload and try again.')
    // Above the button, inside the form.
    const button = screen.getByRole('button', { name: 'Save' })
    expect(alert.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    expect(screen.getByRole('form', { name: 'Profile' }).contains(alert)).toBe(true)
  })

  it('lists field errors for fields the form does not have in the form alert', async () => {
    renderUi(
      <Profile onSubmit={vi.fn().mockRejectedValue(problem(422, 'validation', [{ field: 'body.users.3.email', message: 'taken' }]))} />,
    )
    await fillAndSubmit()
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Please correct the fields marked below.')
    // users.3.email → fieldError.email.
    expect(alert.textContent).toContain('Enter a valid email address.')
  })

  it('shows the submit button busy while the submit runs, and not before or after', async () => {
    let finish: () => void = () => {}
    const onSubmit = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)))
    renderUi(<Profile onSubmit={onSubmit} />)
    const button = screen.getByRole('button', { name: 'Save' })
    expect(button.getAttribute('aria-busy')).toBeNull()
    const user = await fillAndSubmit()

    await waitFor(() => expect(button.getAttribute('aria-busy')).toBe('true'))
    expect(button.getAttribute('aria-disabled')).toBe('true')
    // A second press while it runs sends nothing.
    await user.click(button)
    expect(onSubmit).toHaveBeenCalledTimes(1)

    finish()
    await waitFor(() => expect(button.getAttribute('aria-busy')).toBeNull())
  })

  it('checks the client rules first and focuses the first invalid field', async () => {
    const onSubmit = vi.fn()
    renderUi(<Profile onSubmit={onSubmit} />)
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Save' }))
    const email = screen.getByLabelText('Email')
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'))
    expect(descriptions(email)).toContain('This field is required.')
    await waitFor(() => expect(document.activeElement).toBe(email))
    expect(onSubmit).not.toHaveBeenCalled()
  })

  it('keeps focus on the first invalid field once it is typed into, not on the next one in error', async () => {
    // react-hook-form's shouldFocusError focuses again on a timer; under load that timer ran after
    // the first keystroke had cleared the first field's error, and focus jumped to the password.
    function SignInLike() {
      const form = useServerForm({ defaultValues: { email: '', password: '' }, onSubmit: vi.fn() })
      return (
        <Form form={form} submitLabel="Sign in" aria-label="Sign in">
          <FormTextField control={form.control} name="email" label="Email" isRequired />
          <FormPasswordField control={form.control} name="password" label="Password" isRequired />
        </Form>
      )
    }
    // Timers wait until the first field has been typed into: as a loaded browser runs input
    // before timers.
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    try {
      renderUi(<SignInLike />)
      const email = screen.getByLabelText('Email')
      // The check is asynchronous; a few microtasks finish it without running any timer.
      const settle = async () => {
        for (let i = 0; i < 20; i++) await Promise.resolve()
      }
      await act(async () => {
        fireEvent.submit(screen.getByRole('form', { name: 'Sign in' }))
        await settle()
      })
      expect(email.getAttribute('aria-invalid')).toBe('true')
      await act(async () => {
        fireEvent.change(email, { target: { value: 'a' } })
        await settle()
      })
      expect(email.getAttribute('aria-invalid')).toBeNull()
      expect(screen.getByLabelText('Password', { selector: 'input' }).getAttribute('aria-invalid')).toBe('true')
      act(() => vi.runAllTimers())
      expect(document.activeElement).toBe(email)
    } finally {
      vi.useRealTimers()
    }
  })

  it('speaks Persian: a field without its own key gets the generic message, not the English one', async () => {
    setLocale('fa')
    renderUi(
      <Profile
        onSubmit={vi.fn().mockRejectedValue(problem(422, 'validation', [{ field: 'body.content.html', message: 'unclosed <p>' }]))}
      />,
    )
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Email'), 'ava@example.com')
    await user.click(screen.getByRole('button', { name: 'Save' }))
    const html = screen.getByLabelText('HTML')
    await waitFor(() => expect(html.getAttribute('aria-invalid')).toBe('true'))
    expect(descriptions(html)).toContain('این مقدار معتبر نیست.')
  })
})
