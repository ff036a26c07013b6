// /verify-email?token=…, the page the verification e-mail links to. It redeems the token at once
// (which signs in) and goes home with a notice. A forged or expired link offers a new one.
import type { CaravanError, Session } from '@caravan/sdk'
import { useEffect, useState } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { Form, FormTextField, ProblemAlert, useServerForm } from '../../ui'
import { navigateWithNotice } from '../shell/flash'
import { asCaravanError } from '../../ui/messages'
import { Page } from '../shell/Page'
import { client } from './session'
import { ResendControls, useFocusHeading, useResendVerification } from './verification'

// One request per token and page load: signing in re-renders the app (and React's StrictMode runs
// effects twice in development), and each render must not spend the link again.
const redeeming = new Map<string, Promise<Session>>()
function redeem(token: string): Promise<Session> {
  let pending = redeeming.get(token)
  if (!pending) {
    pending = client.verifyEmail(token)
    redeeming.set(token, pending)
    // A failure may be passing (the network): "try again" asks again.
    pending.catch(() => redeeming.delete(token))
  }
  return pending
}

/** Answers that mean the link itself is no good (forged, expired, cut short), not that the server could not be asked. */
const BROKEN_LINK = ['invalid_token', 'validation']

export function VerifyEmail() {
  const { t } = useI18n()
  const { search } = useLocation()
  const token = search.get('token') ?? ''
  const [error, setError] = useState<CaravanError | null>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!token) return
    let current = true
    redeem(token).then(
      () => {
        if (location.pathname === '/verify-email') navigateWithNotice('/', (t) => t('verify.done'), { replace: true })
      },
      (e) => {
        if (current) setError(asCaravanError(e))
      },
    )
    return () => {
      current = false
    }
  }, [token, attempt])

  const broken = !token || (error !== null && BROKEN_LINK.includes(error.code))
  useFocusHeading(error !== null || broken)

  if (broken) return <NewLink />
  return (
    <Page title={t('verify.title')}>
      {error ? (
        <ProblemAlert
          error={error}
          onRetry={() => {
            setError(null)
            setAttempt((n) => n + 1)
          }}
        />
      ) : (
        <p className="muted" role="status">
          {t('verify.working')}
        </p>
      )}
    </Page>
  )
}

/** The link did not work: ask for the address and send a new one. */
function NewLink() {
  const { t } = useI18n()
  const resend = useResendVerification({ sentMessage: 'verify.resentIfAccount' })
  // The resend button submits: a resting button sends nothing (it says how long to wait).
  const form = useServerForm({
    defaultValues: { email: '' },
    onSubmit: async ({ email }) => {
      if (resend.ready) await resend.sendAsync(email.trim())
    },
  })

  return (
    <Page title={t('verify.failedTitle')} intro={t('verify.failedIntro')}>
      <Form form={form} className="card narrow" actions={<ResendControls resend={resend} showError={false} />}>
        <FormTextField
          control={form.control}
          name="email"
          label={t('field.email')}
          type="email"
          autoComplete="email"
          isRequired
          rules={{ required: t('fieldError.email') }}
        />
      </Form>
      <p className="aside">
        <Link to="/sign-in">{t('verify.backToSignIn')}</Link>
      </p>
    </Page>
  )
}
