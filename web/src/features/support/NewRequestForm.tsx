// A customer's new request: subject, message, a priority if they want one, and files. Sent, it
// opens the new ticket's page, with a notice that it was received.
import type { TicketPriority } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Button, Form, FormSelectField, FormTextAreaField, FormTextField, SubmitButton, useServerForm } from '../../ui'
import { useSignedInUser } from '../auth/session'
import { navigateWithNotice } from '../shell/flash'
import { AttachFiles, useUploads } from './attachments'
import { PRIORITIES, useTicketNumber } from './labels'
import { useCreateTicket } from './queries'

interface Values {
  subject: string
  body: string
  priority: TicketPriority
}

export function NewRequestForm({ onCancel, headingId }: { onCancel: () => void; headingId: string }) {
  const { t } = useI18n()
  const number = useTicketNumber()
  const user = useSignedInUser()
  const create = useCreateTicket()
  const uploads = useUploads()
  const form = useServerForm<Values>({
    defaultValues: { subject: '', body: '', priority: 'normal' },
    onSubmit: async (values) => {
      const { ticket } = await create.mutateAsync({
        subject: values.subject.trim(),
        body: values.body,
        priority: values.priority,
        // Agents open tickets for someone: here, for themselves.
        ...(user.role !== 'customer' ? { requester: user.id } : {}),
        ...(uploads.ids.length ? { attachmentIds: uploads.ids } : {}),
      })
      navigateWithNotice(`/support/tickets/${encodeURIComponent(ticket.id)}`, (t) =>
        t('support.created', { number: number(ticket.number) }),
      )
    },
  })
  return (
    <Form
      form={form}
      aria-labelledby={headingId}
      className="sup-new"
      actions={
        <div className="toolbar">
          <SubmitButton isDisabled={uploads.uploading}>{t('support.send')}</SubmitButton>
          <Button variant="secondary" onPress={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      }
    >
      <FormTextField<Values, 'subject'>
        name="subject"
        label={t('support.subject')}
        isRequired
        dir="auto"
        autoFocus
        rules={{ maxLength: { value: 200, message: t('support.subjectTooLong') } }}
      />
      <FormTextAreaField<Values, 'body'>
        name="body"
        label={t('support.message')}
        description={t('support.messageHint')}
        isRequired
        dir="auto"
        rows={6}
        rules={{ maxLength: { value: 20_000, message: t('support.messageTooLong') } }}
      />
      <FormSelectField<Values, 'priority'>
        name="priority"
        label={t('support.priorityLabel')}
        description={t('support.priorityHint')}
        optional
        options={PRIORITIES.map((p) => ({ id: p, label: t(`support.priority.${p}`) }))}
      />
      <AttachFiles uploads={uploads} />
    </Form>
  )
}
