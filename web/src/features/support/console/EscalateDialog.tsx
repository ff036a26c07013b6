// Turning a live chat conversation into a ticket of its visitor, asked first because the
// conversation closes: an optional subject (the server takes the visitor's first line without
// one); then the ticket's page, which says where it came from.
import type { SupportConversation } from '@caravan/sdk'
import { useI18n } from '../../../i18n'
import { FormDialog, FormTextField, useServerForm } from '../../../ui'
import { navigateWithNotice } from '../../shell/flash'
import { useEscalate } from '../conversations'
import { useTicketNumber } from '../labels'

export function EscalateDialog({
  conversation,
  visitor,
  onClose,
}: {
  conversation: SupportConversation
  visitor: string
  onClose: () => void
}) {
  const { t } = useI18n()
  const number = useTicketNumber()
  const escalate = useEscalate()
  const form = useServerForm<{ subject: string }>({
    defaultValues: { subject: '' },
    onSubmit: async ({ subject }) => {
      const detail = await escalate.mutateAsync({ conversation, subject: subject.trim() || undefined })
      const ticket = number(detail.ticket.number)
      navigateWithNotice(`/console/support/tickets/${encodeURIComponent(detail.ticket.id)}`, (t) => t('support.conv.escalated', { ticket }))
    },
  })
  return (
    <FormDialog
      title={t('support.conv.escalateTitle', { name: visitor })}
      form={form}
      submitLabel={t('support.conv.escalate')}
      onClose={onClose}
    >
      <p>{t('support.conv.escalateBody')}</p>
      <FormTextField
        control={form.control}
        name="subject"
        label={t('support.conv.subject')}
        description={t('support.conv.subjectHint')}
        optional
        dir="auto"
        maxLength={200}
        autoComplete="off"
      />
    </FormDialog>
  )
}
