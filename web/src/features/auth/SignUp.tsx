import { useState } from 'react'
import { defaultTimeZone, useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { Form, FormPasswordField, FormTextField, useServerForm } from '../../ui'
import { Page } from '../shell/Page'
import { client } from './session'
import { ResendVerification, useFocusHeading, withAddress } from './verification'

export function SignUp() {
  const { t, locale } = useI18n()
  const { search } = useLocation()
  // Set when the server e-mailed a link instead of signing in (EMAIL_VERIFICATION).
  const [awaitingLink, setAwaitingLink] = useState<string | null>(null)
  // Signed in at once: the router sends the user on. Otherwise the page becomes "check your inbox".
  const form = useServerForm({
    defaultValues: { name: '', email: '', password: '' },
    onSubmit: async ({ name, email, password }) => {
      // The account starts in the language the person is using and its default time zone: Tehran
      // in Persian, else the browser's (changeable on the profile).
      const registration = await client.register({
        email: email.trim(),
        password,
        name: name.trim() || undefined,
        locale,
        timezone: defaultTimeZone(locale),
      })
      if (registration.verificationRequired) setAwaitingLink(registration.user.email)
    },
  })

  const next = search.get('next')
  const signInPath = next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'
  if (awaitingLink) return <CheckInbox email={awaitingLink} signInPath={signInPath} />
  return (
    <Page title={t('signUp.title')} intro={t('signUp.intro')}>
      <Form form={form} className="card narrow" submitLabel={t('signUp.submit')}>
        <FormTextField control={form.control} name="name" label={t('field.name')} autoComplete="name" dir="auto" optional />
        <FormTextField
          control={form.control}
          name="email"
          label={t('field.email')}
          type="email"
          autoComplete="email"
          isRequired
          rules={{ required: t('fieldError.email') }}
        />
        <FormPasswordField
          control={form.control}
          name="password"
          label={t('field.password')}
          autoComplete="new-password"
          description={t('hint.password')}
          isRequired
          rules={{ required: t('fieldError.password') }}
        />
      </Form>
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
