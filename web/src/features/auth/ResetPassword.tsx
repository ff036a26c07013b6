// /reset-password?token=…, the page the reset e-mail links to: a new password (twice), then the
// server sets it, ends the user's other sessions and signs in here; the page goes home with a
// notice. A link that is forged, expired or already used says so and offers a new one.
import type { CaravanError } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { Form, FormPasswordField, useServerForm } from '../../ui'
import { navigateWithNotice } from '../shell/flash'
import { asCaravanError } from '../../ui/messages'
import { Page } from '../shell/Page'
import { client } from './session'
import { useFocusHeading } from './verification'

/** The link itself is no good (forged, expired, used, cut short), as opposed to the password. */
const brokenLink = (error: CaravanError) => error.code === 'invalid_token' || error.errors.some((e) => e.field === 'body.token')

export function ResetPassword() {
  const { t } = useI18n()
  const { search } = useLocation()
  const token = search.get('token') ?? ''
  const [linkRefused, setLinkRefused] = useState(false)
  const form = useServerForm({
    defaultValues: { password: '', repeat: '' },
    onSubmit: async ({ password }) => {
      try {
        await client.resetPassword(token, password)
      } catch (error) {
        // Not the form's fault: the page says the link does not work and offers a new one.
        if (!brokenLink(asCaravanError(error))) throw error
        setLinkRefused(true)
        return
      }
      // Signed in: the app re-renders for the user; this page hands over to home with a notice.
      navigateWithNotice('/', (t) => t('reset.done'), { replace: true })
    },
  })

  const broken = !token || linkRefused
  useFocusHeading(broken)

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
      <Form form={form} className="card narrow" submitLabel={t('reset.submit')}>
        <FormPasswordField
          control={form.control}
          name="password"
          label={t('field.newPassword')}
          autoComplete="new-password"
          description={t('hint.password')}
          isRequired
          rules={{ deps: 'repeat' }}
        />
        {/* Checked here, before asking the server; the message is on this field, which takes focus. */}
        <FormPasswordField
          control={form.control}
          name="repeat"
          label={t('field.repeatPassword')}
          autoComplete="new-password"
          isRequired
          rules={{ validate: (repeat, { password }) => repeat === password || t('reset.mismatch') }}
        />
      </Form>
    </Page>
  )
}
