// /reset-password?token=…, the page the reset e-mail links to: a new password (twice), then the
// server sets it, ends the user's other sessions and signs in here; the page goes home with a
// notice. A link that is forged, expired or already used says so and offers a new one.
import type { CaravanError } from '@caravan/sdk'
import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { navigateWithNotice } from '../shell/flash'
import { ErrorAlert, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { client } from './session'
import { useFocusHeading } from './verification'

/** The link itself is no good (forged, expired, used, cut short), as opposed to the password. */
const brokenLink = (error: CaravanError | null) =>
  error !== null && (error.code === 'invalid_token' || error.errors.some((e) => e.field === 'body.token'))

export function ResetPassword() {
  const { t } = useI18n()
  const { search } = useLocation()
  const token = search.get('token') ?? ''
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [mismatch, setMismatch] = useState(false)
  const reset = useAction(async () => {
    await client.resetPassword(token, password)
    // Signed in: the app re-renders for the user; this page hands over to home with a notice.
    navigateWithNotice('/', (t) => t('reset.done'), { replace: true })
  })

  const broken = !token || brokenLink(reset.error)
  useFocusHeading(broken)

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (reset.pending) return
    const differ = password !== repeat
    setMismatch(differ)
    if (differ) {
      reset.setError(null)
      // Where the message is: focus reads it out (the field is described by it).
      event.currentTarget.querySelector<HTMLInputElement>('input[name="repeat"]')?.focus()
      return
    }
    void reset.run()
  }

  if (broken) {
    return (
      <Page title={t('reset.failedTitle')} intro={t('reset.failedIntro')}>
        <p>
          <Link to="/forgot-password" className="button">
            {t('reset.newLink')}
          </Link>
        </p>
        <p className="aside">
          <Link to="/sign-in">{t('verify.backToSignIn')}</Link>
        </p>
      </Page>
    )
  }
  return (
    <Page title={t('reset.title')} intro={t('reset.intro')}>
      <form className="card form narrow" onSubmit={submit} noValidate aria-busy={reset.pending}>
        <ErrorAlert error={reset.error} />
        <TextField
          label={t('field.newPassword')}
          name="password"
          type="password"
          autoComplete="new-password"
          dir="ltr"
          required
          hint={t('hint.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldMessage(t, reset.error, 'password')}
        />
        <TextField
          label={t('field.repeatPassword')}
          name="repeat"
          type="password"
          autoComplete="new-password"
          dir="ltr"
          required
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value)
            setMismatch(false)
          }}
          error={mismatch ? t('reset.mismatch') : undefined}
        />
        <button type="submit" aria-disabled={reset.pending ? true : undefined}>
          {reset.pending ? t('common.working') : t('reset.submit')}
        </button>
      </form>
    </Page>
  )
}
