import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { ErrorAlert, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { client } from './session'
import { ResendVerification, useFocusHeading, withAddress } from './verification'

export function SignUp() {
  const { t, locale } = useI18n()
  const { search } = useLocation()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [name, setName] = useState('')
  // Set when the server e-mailed a link instead of signing in (EMAIL_VERIFICATION).
  const [awaitingLink, setAwaitingLink] = useState<string | null>(null)
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

  // Signed in at once: the router sends the user on. Otherwise the page becomes "check your inbox".
  async function submit(event: FormEvent) {
    event.preventDefault()
    const registration = await signUp.run()
    if (registration?.verificationRequired) setAwaitingLink(registration.user.email)
  }

  const next = search.get('next')
  const signInPath = next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'
  if (awaitingLink) return <CheckInbox email={awaitingLink} signInPath={signInPath} />
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
        {t('signUp.haveAccount')} <Link to={signInPath}>{t('signUp.signIn')}</Link>
      </p>
    </Page>
  )
}

/** After sign-up with e-mail verification on: where the link went, and a way to get another. */
function CheckInbox({ email, signInPath }: { email: string; signInPath: string }) {
  const { t } = useI18n()
  useFocusHeading(true)
  return (
    <Page title={t('verify.checkTitle')}>
      <div className="card form narrow">
        <p>{withAddress(t('verify.checkIntro', { email }), email)}</p>
        <p className="muted">{t('verify.checkSpam')}</p>
        <ResendVerification email={email} justSent />
      </div>
      <p className="aside">
        <Link to={signInPath}>{t('verify.backToSignIn')}</Link>
      </p>
    </Page>
  )
}
