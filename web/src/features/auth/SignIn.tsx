import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { ErrorAlert, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { client } from './session'
import { ResendControls, useResendVerification, withAddress } from './verification'

export function SignIn() {
  const { t } = useI18n()
  const { search } = useLocation()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  // On success the session changes and the router sends the user on (to ?next= or home).
  const signIn = useAction((address: string) => client.login({ email: address, password }))
  // The address of the last attempt: a resend goes there even if the field has changed since.
  const [attempted, setAttempted] = useState('')
  // Kept here, not in the message, so its rest period outlives another failed attempt.
  const resend = useResendVerification()

  function submit(event: FormEvent) {
    event.preventDefault()
    const address = email.trim()
    setAttempted(address)
    void signIn.run(address)
  }

  const next = search.get('next')
  return (
    <Page title={t('signIn.title')} intro={t('signIn.intro')}>
      <form className="card form narrow" onSubmit={submit} noValidate aria-busy={signIn.pending}>
        {signIn.error?.code === 'email_not_verified' ? (
          <div className="alert info">
            <p role="alert">{withAddress(t('verify.notVerified', { email: attempted }), attempted)}</p>
            <ResendControls resend={resend} onSend={() => void resend.run(attempted)} />
          </div>
        ) : (
          <ErrorAlert error={signIn.error} />
        )}
        <TextField
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          dir="ltr"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldMessage(t, signIn.error, 'email')}
        />
        <TextField
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          dir="ltr"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldMessage(t, signIn.error, 'password')}
        />
        <button type="submit" disabled={signIn.pending}>
          {signIn.pending ? t('common.working') : t('signIn.submit')}
        </button>
        <p className="form-link">
          <Link to="/forgot-password">{t('signIn.forgot')}</Link>
        </p>
      </form>
      <p className="aside">
        {t('signIn.noAccount')}{' '}
        <Link to={next ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up'}>{t('signIn.createAccount')}</Link>
      </p>
    </Page>
  )
}
