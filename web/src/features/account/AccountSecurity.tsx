// The profile page's security part: a new password (proven with the current one) and "sign out
// everywhere else". Both end the user's other sessions at once; this one goes on.
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Button, ConfirmDialog, Form, FormPasswordField, ProblemAlert, useServerForm } from '../../ui'
import { StatusMessage } from '../../ui/messages'
import { useChangePassword, useEndOtherSessions } from './queries'

export function AccountSecurity() {
  return (
    <>
      <ChangePassword />
      <EndOtherSessions />
    </>
  )
}

function ChangePassword() {
  const { t } = useI18n()
  const [changed, setChanged] = useState(false)
  const change = useChangePassword()
  const form = useServerForm({
    defaultValues: { currentPassword: '', newPassword: '' },
    onSubmit: async (values) => {
      setChanged(false)
      await change.mutateAsync(values)
      // Passwords are not left in the fields once used.
      form.reset()
      setChanged(true)
    },
  })

  return (
    <Form form={form} className="card" aria-labelledby="password-heading" submitLabel={t('security.changePassword')}>
      <h2 id="password-heading">{t('security.passwordTitle')}</h2>
      <StatusMessage message={changed ? t('security.passwordChanged') : null} />
      <FormPasswordField
        control={form.control}
        name="currentPassword"
        label={t('security.currentPassword')}
        autoComplete="current-password"
        isRequired
      />
      <FormPasswordField
        control={form.control}
        name="newPassword"
        label={t('field.newPassword')}
        autoComplete="new-password"
        description={t('security.passwordHint')}
        isRequired
      />
    </Form>
  )
}

/** Behind a confirmation: it signs out every other device at once. */
function EndOtherSessions() {
  const { t } = useI18n()
  const [confirming, setConfirming] = useState(false)
  const endOthers = useEndOtherSessions()
  const ask = () => {
    endOthers.reset()
    setConfirming(true)
  }

  return (
    <section className="card form" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{t('security.sessionsTitle')}</h2>
      <p>{t('security.sessionsIntro')}</p>
      <StatusMessage message={endOthers.isSuccess ? t('security.othersEnded') : null} />
      {/* A failure stays said after the dialog is cancelled; trying again asks again. */}
      {!confirming && <ProblemAlert error={endOthers.error} onRetry={ask} />}
      <div>
        <Button variant="secondary" onPress={ask}>
          {t('security.endOthers')}
        </Button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('security.endOthersTitle')}
          confirmLabel={t('security.endOthers')}
          pending={endOthers.isPending}
          onConfirm={() => endOthers.mutate(undefined, { onSuccess: () => setConfirming(false) })}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('security.endOthersBody')}</p>
          {/* Inside the dialog, so it is read there; its Confirm button is the retry. */}
          <ProblemAlert error={endOthers.error} />
        </ConfirmDialog>
      )}
    </section>
  )
}
