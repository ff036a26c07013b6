import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { Form, FormPasswordField, FormTextField, SubmitButton, useServerForm } from '../../ui'
import { asCaravanError } from '../../ui/messages'
import { Page } from '../shell/Page'
import { client } from './session'
import { ResendControls, useResendVerification, withAddress } from './verification'

export function SignIn() {
  const { t } = useI18n()
  const { search } = useLocation()
  // The address of an attempt refused as not yet confirmed: a resend goes there even if the
  // field has changed since.
  const [unverified, setUnverified] = useState<string | null>(null)
  // Kept here, not in the message, so its rest period outlives another failed attempt.
  const resend = useResendVerification()

  // On success the session changes and the router sends the user on (to ?next= or home).
  const form = useServerForm({
    defaultValues: { email: '', password: '' },
    onSubmit: async ({ email, password }) => {
      const address = email.trim()
      setUnverified(null)
      try {
        await client.login({ email: address, password })
      } catch (error) {
        // Not a mistake in the form: the address waits for its link, which can be sent again.
        if (asCaravanError(error).code !== 'email_not_verified') throw error
        setUnverified(address)
      }
    },
  })

  const next = search.get('next')
  return (
    <Page title={t('signIn.title')} intro={t('signIn.intro')}>
      <Form
        form={form}
        className="card narrow"
        actions={
          <>
            <SubmitButton>{t('signIn.submit')}</SubmitButton>
            <p className="form-link">
              <Link to="/forgot-password">{t('signIn.forgot')}</Link>
            </p>
          </>
        }
      >
        {unverified !== null && (
          // Said at once (role=alert), in an info box: nothing is wrong with what was typed.
          <div className="alert info">
            <p role="alert">{withAddress(t('verify.notVerified', { email: unverified }), unverified)}</p>
            <ResendControls resend={resend} onSend={() => resend.send(unverified)} />
          </div>
        )}
        <FormTextField
          control={form.control}
          name="email"
          label={t('field.email')}
          type="email"
          autoComplete="email"
          isRequired
          rules={{ required: t('fieldError.email') }}
        />
        <FormPasswordField control={form.control} name="password" label={t('field.password')} autoComplete="current-password" isRequired />
      </Form>
      <p className="aside">
        {t('signIn.noAccount')}{' '}
        <Link to={next ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up'}>{t('signIn.createAccount')}</Link>
      </p>
    </Page>
  )
}
