// "edited" on a message opens its earlier versions (oldest first, with when each was replaced),
// read from the server only when asked for.
import type { ChatMessage } from '@caravan/sdk'
import { Dialog as AriaDialog, DialogTrigger, Heading, Popover } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { Button, ProblemAlert, Skeleton } from '../../ui'
import { excerpt } from './MessageItem'
import { useEdits } from './queries'

export function EditHistory({ conversationId, message }: { conversationId: string; message: ChatMessage }) {
  const { t } = useI18n()
  return (
    <DialogTrigger>
      <Button variant="quiet" size="small" className="chat-edited" aria-label={t('chat.editedShow', { excerpt: excerpt(message.text, t) })}>
        {t('chat.edited')}
      </Button>
      <Popover className="popover chat-edits-popover" placement="top">
        <AriaDialog className="chat-edits" aria-label={t('chat.editHistory')}>
          <Heading slot="title" className="small">
            {t('chat.editHistory')}
          </Heading>
          <Versions conversationId={conversationId} messageId={message.id} />
        </AriaDialog>
      </Popover>
    </DialogTrigger>
  )
}

function Versions({ conversationId, messageId }: { conversationId: string; messageId: string }) {
  const { t, formatDate } = useI18n()
  const edits = useEdits(conversationId, messageId)
  if (edits.isError) return <ProblemAlert error={edits.error} onRetry={() => void edits.refetch()} />
  if (!edits.data) return <Skeleton lines={2} />
  if (!edits.data.length) return <p className="muted">{t('chat.editHistoryEmpty')}</p>
  return (
    <ol className="chat-edit-list">
      {edits.data.map((e) => (
        <li key={e.editedAt}>
          <p dir="auto">{e.text}</p>
          <p className="muted small">
            <time dateTime={e.editedAt}>{formatDate(e.editedAt)}</time>
          </p>
        </li>
      ))}
    </ol>
  )
}
