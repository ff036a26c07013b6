// /forgot-password: asks for the address and e-mails a reset link. The server answers alike
// whether or not the address has an account, so the page says "if an account uses …" every time.
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Form, FormTextField, useServerForm } from '../../ui'
import { Page } from '../shell/Page'
import { client } from './session'
import { withAddress } from './verification'

export function ForgotPassword() {
  const { t } = useI18n()
  // The address the last link went to (the field may change after).
  const [sentTo, setSentTo] = useState<string | null>(null)
  const form = useServerForm({
    defaultValues: { email: '' },
    onSubmit: async ({ email }) => {
      const address = email.trim()
      setSentTo(null)
      await client.requestPasswordReset(address)
      setSentTo(address)
    },
  })

  return (
    <Page title={t('forgot.title')} intro={t('forgot.intro')}>
      <Form form={form} className="card narrow" submitLabel={t('forgot.submit')}>
        {/* Always present, so screen readers announce the confirmation when it appears. */}
        <div className={sentTo ? 'alert success' : 'visually-hidden'} role="status">
          {sentTo && (
            <>
              <p>{withAddress(t('forgot.sent', { email: sentTo }), sentTo)}</p>
              <p>{t('forgot.spam')}</p>
            </>
          )}
        </div>
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
