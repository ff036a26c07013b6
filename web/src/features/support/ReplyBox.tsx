// The customer's reply: a box where Enter starts a new line (a reply is often several), files, and
// a Send button. Replying to a solved ticket reopens it, and the box says so first.
import type { Ticket } from '@caravan/sdk'
import { useRef, useState, type FormEvent } from 'react'
import { useI18n } from '../../i18n'
import { Button, TextAreaField } from '../../ui'
import { asCaravanError, StatusMessage, useMessage } from '../../ui/messages'
import { AttachFiles, useUploads } from './attachments'
import { supportProblem } from './problems'
import { useReply } from './queries'

export function ReplyBox({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n()
  const reply = useReply('customer', ticket.id)
  const uploads = useUploads()
  const [text, setText] = useState('')
  const [empty, setEmpty] = useState(false)
  const [message, setMessage] = useMessage()
  const input = useRef<HTMLTextAreaElement>(null)

  function submit(event: FormEvent) {
    event.preventDefault()
    setMessage(null)
    if (!text.trim()) {
      setEmpty(true)
      input.current?.focus()
      return
    }
    reply.mutate(
      { body: text, ...(uploads.ids.length ? { attachmentIds: uploads.ids } : {}) },
      {
        onSuccess: () => {
          setText('')
          uploads.clear()
          setMessage((t) => t('support.replySent'))
          input.current?.focus()
        },
      },
    )
  }

  return (
    <section aria-labelledby="sup-reply" className="card sup-reply">
      <h2 id="sup-reply">{t('support.replyTitle')}</h2>
      <form onSubmit={submit} className="form" noValidate>
        <TextAreaField
          label={t('support.yourReply')}
          description={ticket.status === 'solved' ? t('support.replyReopens') : t('support.replyHint')}
          value={text}
          onChange={(v) => {
            setText(v)
            if (v.trim()) setEmpty(false)
          }}
          errorMessage={empty ? t('support.replyEmpty') : undefined}
          dir="auto"
          rows={4}
          maxLength={20_000}
          inputRef={input}
        />
        <AttachFiles uploads={uploads} />
        {reply.error != null && (
          <p className="field-error" role="alert">
            {supportProblem(t, asCaravanError(reply.error))}
          </p>
        )}
        <div className="toolbar">
          <Button type="submit" isPending={reply.isPending} isDisabled={uploads.uploading}>
            {t('support.sendReply')}
          </Button>
        </div>
        <StatusMessage message={message} />
      </form>
    </section>
  )
}
