// Reporting someone else's message to the moderators, with a reason (the admin console lists
// reports). Says thanks in the dialog once sent; a second report of the same message is accepted
// by the server as the same report.
import type { ChatMessage } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Button, Dialog, Form, FormTextAreaField, SubmitButton, useServerForm } from '../../ui'
import { client } from '../auth/session'
import { excerpt } from './MessageItem'

export function ReportDialog({ conversationId, message, onClose }: { conversationId: string; message: ChatMessage; onClose: () => void }) {
  const { t } = useI18n()
  const [sent, setSent] = useState(false)
  const form = useServerForm<{ reason: string }>({
    defaultValues: { reason: '' },
    onSubmit: async ({ reason }) => {
      await client.chat.report(conversationId, message.id, reason.trim())
      setSent(true)
    },
  })
  return (
    <Dialog title={t('chat.report.title')} isOpen onOpenChange={(open) => !open && onClose()} className="chat-report-dialog">
      {(close) =>
        sent ? (
          <>
            <p role="status">{t('chat.report.sent')}</p>
            <div className="dialog-actions">
              <Button autoFocus onPress={close}>
                {t('ui.close')}
              </Button>
            </div>
          </>
        ) : (
          <Form
            form={form}
            actions={
              <div className="dialog-actions">
                <SubmitButton>{t('chat.report.send')}</SubmitButton>
                <Button variant="secondary" onPress={close}>
                  {t('common.cancel')}
                </Button>
              </div>
            }
          >
            <p className="muted">
              <bdi>{t('chat.report.quote', { excerpt: excerpt(message.text, t, 120) })}</bdi>
            </p>
            <FormTextAreaField
              control={form.control}
              name="reason"
              label={t('chat.report.reason')}
              dir="auto"
              isRequired
              rows={3}
              rules={{ maxLength: { value: 1000, message: t('chat.new.nameTooLong', { max: 1000 }) } }}
            />
          </Form>
        )
      }
    </Dialog>
  )
}
