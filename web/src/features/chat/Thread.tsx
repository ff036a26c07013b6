// One open conversation: its heading (the page's h1, which takes focus after navigation) with the
// other person's presence or the group's size, the message log, who is typing, and the composer.
// Reactions show at once and go back if refused; deleting and leaving ask first. Details (members,
// roles, blocking) and reports open in dialogs.
import type { ChatMessage } from '@caravan/sdk'
import { useRef, useState } from 'react'
import { useI18n } from '../../i18n'
import { Link, navigate, useLocation } from '../../navigation'
import { ConfirmDialog, ProblemAlert, Skeleton } from '../../ui'
import { asCaravanError } from '../../ui/messages'
import { client } from '../auth/session'
import { Composer } from './Composer'
import { ConversationDetails } from './ConversationDetails'
import { conversationMessageChanged, editThread, forgetConversation, useConversation, useThread } from './queries'
import { ReportDialog } from './ReportDialog'
import { MessageList } from './MessageList'
import { excerpt, type MessageContext } from './MessageItem'
import { conversationTitle, memberLabel } from './names'
import { chatProblem } from './problems'
import { useReadMark } from './readMarks'
import { useSend } from './send'
import { lastSeq, tombstone, withDeleted, withReaction } from './thread'
import { ThreadHeading } from './ThreadHeading'
import { TypingLine } from './TypingLine'

export function Thread({ id, me }: { id: string; me: string }) {
  const { t } = useI18n()
  const conversation = useConversation(id)
  const thread = useThread(id, me)
  const { search } = useLocation()
  const targetSeq = Number(search.get('message')) || undefined
  const c = conversation.data
  useReadMark(c, lastSeq(thread.data), me)

  const composer = useRef<HTMLTextAreaElement>(null)
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null)
  const [editing, setEditing] = useState<ChatMessage | null>(null)
  const [deleting, setDeleting] = useState<ChatMessage | null>(null)
  const [deleteError, setDeleteError] = useState<unknown>(null)
  const [removing, setRemoving] = useState(false)
  const [actionError, setActionError] = useState<unknown>(null)
  const [details, setDetails] = useState(false)
  const [leaving, setLeaving] = useState(false)
  const [leaveError, setLeaveError] = useState<unknown>(null)
  const [reporting, setReporting] = useState<ChatMessage | null>(null)
  const { retry, discard } = useSend(id)

  if (conversation.isError && !c)
    return (
      <div className="chat-thread">
        <ThreadHeading title={t('chat.unavailable')} />
        <div className="chat-unavailable">
          <ProblemAlert
            error={conversation.error}
            onRetry={asCaravanError(conversation.error).status === 404 ? undefined : () => void conversation.refetch()}
          />
          <p>
            <Link to="/chat">{t('chat.backToList')}</Link>
          </p>
        </div>
      </div>
    )
  if (!c) return <ThreadHeading title={t('chat.title')} loading />

  const title = conversationTitle(c, me, t)
  async function react(message: ChatMessage, emoji: string) {
    const added = !message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me))
    const change = { messageId: message.id, userId: me, emoji, added }
    setActionError(null)
    editThread(id, (th) => withReaction(th, change))
    try {
      await (added ? client.chat.react(id, message.id, emoji) : client.chat.unreact(id, message.id, emoji))
    } catch (e) {
      editThread(id, (th) => withReaction(th, { ...change, added: !added }))
      setActionError(e)
    }
  }
  async function remove() {
    if (!deleting) return
    setRemoving(true)
    setDeleteError(null)
    try {
      await client.chat.remove(id, deleting.id)
      const deletedAt = new Date().toISOString()
      editThread(id, (th) => withDeleted(th, { id: deleting.id, deletedAt }))
      conversationMessageChanged(tombstone(deleting, deletedAt))
      setDeleting(null)
      composer.current?.focus()
    } catch (e) {
      setDeleteError(e)
    } finally {
      setRemoving(false)
    }
  }
  async function leave() {
    setRemoving(true)
    setLeaveError(null)
    try {
      await client.chat.leave(id)
      forgetConversation(id)
      navigate('/chat')
    } catch (e) {
      setLeaveError(e)
    } finally {
      setRemoving(false)
    }
  }
  const ctx: MessageContext = {
    members: c.members,
    me,
    group: c.kind !== 'direct',
    handlers: {
      onReact: (message, emoji) => void react(message, emoji),
      onReply: (message) => {
        setEditing(null)
        setReplyTo(message)
      },
      onEdit: (message) => {
        setReplyTo(null)
        setEditing(message)
      },
      onDelete: (message) => {
        setDeleteError(null)
        setDeleting(message)
      },
      onReport: setReporting,
    },
  }
  const replyName = replyTo
    ? replyTo.senderId === me
      ? t('chat.yourself')
      : memberLabel(
          c.members.find((m) => m.userId === replyTo.senderId),
          t,
        )
    : ''

  return (
    <div className="chat-thread">
      <ThreadHeading title={title} conversation={c} me={me} onDetails={() => setDetails(true)} />
      {thread.isError && !thread.data ? (
        <div className="chat-log-wrap">
          <ProblemAlert error={thread.error} onRetry={() => void thread.refetch()} />
        </div>
      ) : !thread.data ? (
        <div className="chat-log-wrap">
          <Skeleton lines={4} />
        </div>
      ) : (
        <MessageList
          conversationId={id}
          thread={thread.data}
          ctx={ctx}
          label={t('chat.messagesWith', { name: title })}
          targetSeq={targetSeq}
          onRetry={retry}
          onDiscard={discard}
        />
      )}
      <TypingLine conversation={c} me={me} />
      {actionError != null && (
        <p className="field-error chat-action-error" role="alert">
          {chatProblem(t, asCaravanError(actionError))}
        </p>
      )}
      <Composer
        key={id}
        conversation={c}
        replyTo={replyTo}
        editing={editing}
        replyName={replyName}
        inputRef={composer}
        onDone={() => {
          setReplyTo(null)
          setEditing(null)
        }}
      />
      {deleting && (
        <ConfirmDialog
          title={t('chat.deleteTitle')}
          confirmLabel={t('chat.deleteConfirm')}
          pending={removing}
          onConfirm={() => void remove()}
          onCancel={() => setDeleting(null)}
        >
          <p>{t('chat.deleteBody', { excerpt: excerpt(deleting.text, t, 80) })}</p>
          <ProblemAlert error={deleteError} />
        </ConfirmDialog>
      )}
      {details && (
        <ConversationDetails
          conversation={c}
          me={me}
          onClose={() => setDetails(false)}
          onLeave={() => {
            setDetails(false)
            setLeaveError(null)
            setLeaving(true)
          }}
        />
      )}
      {leaving && (
        <ConfirmDialog
          title={t('chat.leaveTitle', { name: title })}
          confirmLabel={t('chat.leaveConfirm')}
          pending={removing}
          onConfirm={() => void leave()}
          onCancel={() => setLeaving(false)}
        >
          <p>{t('chat.leaveBody')}</p>
          <ProblemAlert error={leaveError} />
        </ConfirmDialog>
      )}
      {reporting && <ReportDialog conversationId={id} message={reporting} onClose={() => setReporting(null)} />}
    </div>
  )
}
