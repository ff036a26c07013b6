// /forgot-password: asks for the address and e-mails a reset link. The server answers alike
// whether or not the address has an account, so the page says "if an account uses …" every time.
import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { ErrorAlert, TextField, fieldMessage, useAction } from '../shell/form'
import { Page } from '../shell/Page'
import { client } from './session'
import { withAddress } from './verification'

export function ForgotPassword() {
  const { t } = useI18n()
  const [email, setEmail] = useState('')
  // The address the last link went to (the field may change after).
  const [sentTo, setSentTo] = useState<string | null>(null)
  const send = useAction(async (address: string) => {
    setSentTo(null)
    await client.requestPasswordReset(address)
    setSentTo(address)
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    if (!send.pending) void send.run(email.trim())
  }

  return (
    <Page title={t('forgot.title')} intro={t('forgot.intro')}>
      <form className="card form narrow" onSubmit={submit} noValidate aria-busy={send.pending}>
        <ErrorAlert error={send.error} />
        <div className={sentTo ? 'alert success' : 'visually-hidden'} role="status">
          {sentTo && (
            <>
              <p>{withAddress(t('forgot.sent', { email: sentTo }), sentTo)}</p>
              <p>{t('forgot.spam')}</p>
            </>
          )}
        </div>
        <TextField
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          dir="ltr"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldMessage(t, send.error, 'email')}
        />
        <button type="submit" aria-disabled={send.pending ? true : undefined}>
          {send.pending ? t('common.working') : t('forgot.submit')}
        </button>
      </form>
      <p className="aside">
        <Link to="/sign-in">{t('verify.backToSignIn')}</Link>
      </p>
    </Page>
  )
}
