// The profile page's security part: a new password (proven with the current one) and "sign out
// everywhere else". Both end the user's other sessions at once; this one goes on.
import { useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { client } from '../auth/session'
import { ConfirmDialog } from '../shell/ConfirmDialog'
import { ErrorAlert, StatusMessage, TextField, fieldMessage, useAction } from '../shell/form'

export function AccountSecurity() {
  const { t } = useI18n()
  const [currentPassword, setCurrentPassword] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [changed, setChanged] = useState(false)
  const [othersEnded, setOthersEnded] = useState(false)
  const [confirming, setConfirming] = useState(false)

  // Both answer nothing: `true` tells success from a failure (useAction gives undefined then).
  const change = useAction(async () => {
    await client.changePassword({ currentPassword, newPassword })
    return true
  })
  const endOthers = useAction(async () => {
    await client.endOtherSessions()
    return true
  })

  async function submit(event: FormEvent) {
    event.preventDefault()
    setChanged(false)
    if (await change.run()) {
      setCurrentPassword('')
      setNewPassword('')
      setChanged(true)
    }
  }

  return (
    <>
      <form className="card form" onSubmit={submit} noValidate aria-busy={change.pending} aria-labelledby="password-heading">
        <h2 id="password-heading">{t('security.passwordTitle')}</h2>
        <ErrorAlert error={change.error} />
        <StatusMessage message={changed ? t('security.passwordChanged') : null} />
        <TextField
          label={t('security.currentPassword')}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          dir="ltr"
          required
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
          error={fieldMessage(t, change.error, 'currentPassword')}
        />
        <TextField
          label={t('field.newPassword')}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          dir="ltr"
          required
          hint={t('security.passwordHint')}
          value={newPassword}
          onChange={(e) => setNewPassword(e.target.value)}
          error={fieldMessage(t, change.error, 'newPassword')}
        />
        <button type="submit" disabled={change.pending}>
          {change.pending ? t('common.working') : t('security.changePassword')}
        </button>
      </form>

      <section className="card form" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('security.sessionsTitle')}</h2>
        <p>{t('security.sessionsIntro')}</p>
        <StatusMessage message={othersEnded ? t('security.othersEnded') : null} />
        <ErrorAlert error={confirming ? null : endOthers.error} />
        <div>
          <button type="button" className="secondary" onClick={() => setConfirming(true)}>
            {t('security.endOthers')}
          </button>
        </div>
      </section>
      {confirming && (
        <ConfirmDialog
          title={t('security.endOthersTitle')}
          confirmLabel={t('security.endOthers')}
          pending={endOthers.pending}
          onConfirm={async () => {
            setOthersEnded(false)
            if (await endOthers.run()) {
              setConfirming(false)
              setOthersEnded(true)
            }
          }}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('security.endOthersBody')}</p>
          <ErrorAlert error={endOthers.error} />
        </ConfirmDialog>
      )}
    </>
  )
}
