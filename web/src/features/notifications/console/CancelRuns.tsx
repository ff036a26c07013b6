// Calling off what a trigger started, by the cancelKey it carried (as the host's server does with
// DELETE /v1/notifications/runs): its waiting and running workflow runs, the notification while it
// waits for its sendAt, deliveries waiting for quiet hours to end. The answer counts each.
import { useI18n } from '../../../i18n'
import { Form, FormTextField, useServerForm } from '../../../ui'
import { StatusMessage, useMessage } from '../../../ui/messages'
import { useCancelRuns } from './queries'

/** The server's limit on a cancelKey. */
const MAX_KEY = 255

export function CancelRuns() {
  const { t } = useI18n()
  const [message, setMessage] = useMessage()
  const cancel = useCancelRuns()
  const form = useServerForm<{ cancelKey: string }>({
    defaultValues: { cancelKey: '' },
    onSubmit: async ({ cancelKey }) => {
      setMessage(null)
      const key = cancelKey.trim()
      const result = await cancel.mutateAsync(key)
      form.reset({ cancelKey: '' })
      setMessage((t) =>
        result.runs + result.notifications + result.deliveries === 0
          ? t('runs.cancelledNothing', { key })
          : t('runs.cancelled', { key, runs: result.runs, notifications: result.notifications, deliveries: result.deliveries }),
      )
    },
  })
  return (
    <Form form={form} className="card cancel-runs" aria-labelledby="cancel-runs-title" submitLabel={t('runs.cancelSubmit')}>
      <h2 id="cancel-runs-title">{t('runs.cancelTitle')}</h2>
      <p className="hint">{t('runs.cancelIntro')}</p>
      <FormTextField
        control={form.control}
        name="cancelKey"
        label={t('runs.cancelKey')}
        dir="ltr"
        isRequired
        rules={{
          validate: (text) => text.trim().length > 0 || t('runs.cancelKeyRequired'),
          maxLength: { value: MAX_KEY, message: t('runs.cancelKeyTooLong', { max: MAX_KEY }) },
        }}
      />
      <StatusMessage message={message} />
    </Form>
  )
}
