import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { ErrorAlert, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { client } from './session'

export function SignUp() {
  const { t, locale } = useI18n()
  const { search } = useLocation()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [name, setName] = useState('')
  // The account starts in the language the person is using and in the browser's time zone.
  const signUp = useAction(() =>
    client.register({
      email: email.trim(),
      password,
      name: name.trim() || undefined,
      locale,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
  )

  function submit(event: FormEvent) {
    event.preventDefault()
    void signUp.run()
  }

  const next = search.get('next')
  return (
    <Page title={t('signUp.title')} intro={t('signUp.intro')}>
      <form className="card form narrow" onSubmit={submit} noValidate aria-busy={signUp.pending}>
        <ErrorAlert error={signUp.error} />
        <TextField
          label={t('field.name')}
          name="name"
          autoComplete="name"
          dir="auto"
          optional
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldMessage(t, signUp.error, 'name')}
        />
        <TextField
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          dir="ltr"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldMessage(t, signUp.error, 'email')}
        />
        <TextField
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          dir="ltr"
          required
          hint={t('hint.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldMessage(t, signUp.error, 'password')}
        />
        <button type="submit" disabled={signUp.pending}>
          {signUp.pending ? t('common.working') : t('signUp.submit')}
        </button>
      </form>
      <p className="aside">
        {t('signUp.haveAccount')} <Link to={next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'}>{t('signUp.signIn')}</Link>
      </p>
    </Page>
  )
}
