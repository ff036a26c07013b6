// One message in the log: a system message as a sentence; otherwise the sender (groups), the quote
// it replies to, its text (or the tombstone), files, time, "edited", reactions, my ticks and the
// actions. A pending message of mine shows "Sending…" or, failed, Retry.
import type { ChatMessage, ConversationMember } from '@caravan/sdk'
import { useI18n, type Translate } from '../../i18n'
import { Button } from '../../ui'
import { asCaravanError } from '../../ui/messages'
import { Attachments } from './Attachments'
import { ChatIcon } from './ChatIcon'
import { MessageActions, type MessageActionHandlers } from './MessageActions'
import { memberLabel, systemSentence } from './names'
import { chatProblem } from './problems'
import type { PendingMessage } from './thread'
import { tickOf, type Tick } from './ticks'
import { EditHistory } from './EditHistory'

export interface MessageContext {
  members: readonly ConversationMember[]
  me: string
  /** Groups name the sender of each run of messages. */
  group: boolean
  handlers: MessageActionHandlers
}

/** A short piece of a message for button names and quotes. */
export function excerpt(text: string | null, t: Translate, max = 40): string {
  if (!text) return t('chat.attachmentOnly')
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

const senderName = (userId: string | null, ctx: MessageContext, t: Translate) =>
  userId === ctx.me
    ? t('chat.you')
    : memberLabel(
        ctx.members.find((m) => m.userId === userId),
        t,
      )

export function MessageItem({
  message,
  ctx,
  showSender,
  highlighted,
}: {
  message: ChatMessage
  ctx: MessageContext
  showSender: boolean
  highlighted?: boolean
}) {
  const { t, locale, formatTime, formatDate } = useI18n()
  const id = `chat-msg-${message.seq}`
  if (message.kind === 'system')
    return (
      <div className="chat-msg system" id={id} tabIndex={-1}>
        <p className="chat-system">{systemSentence(message, ctx.members, ctx.me, t, locale)}</p>
      </div>
    )
  const mine = message.senderId === ctx.me
  const deleted = Boolean(message.deletedAt)
  const sender = senderName(message.senderId, ctx, t)
  const classes = ['chat-msg', mine ? 'mine' : 'theirs', highlighted && 'highlighted'].filter(Boolean).join(' ')
  return (
    <div className={classes} id={id} tabIndex={-1}>
      <div className="chat-msg-body">
        <div className={deleted ? 'chat-bubble deleted' : 'chat-bubble'}>
          {showSender && ctx.group && !mine ? (
            <p className="chat-sender">
              <bdi>{sender}</bdi>
            </p>
          ) : (
            <span className="visually-hidden">{t('chat.saidBy', { name: sender })}</span>
          )}
          {message.replyTo && <Quote reply={message.replyTo} ctx={ctx} />}
          {deleted ? (
            <p className="chat-text">{t('chat.deleted')}</p>
          ) : (
            message.text && (
              <p className="chat-text" dir="auto">
                {message.text}
              </p>
            )
          )}
          {!deleted && <Attachments files={message.attachments} />}
          <p className="chat-meta">
            <time dateTime={message.createdAt} title={formatDate(message.createdAt)}>
              {formatTime(message.createdAt)}
            </time>
            {message.editedAt && !deleted && <EditHistory conversationId={message.conversationId} message={message} />}
            {mine && !deleted && <Ticks tick={tickOf(message.seq, ctx.members, ctx.me)} />}
          </p>
        </div>
        {!deleted && <MessageActions message={message} me={ctx.me} excerpt={excerpt(message.text, t)} handlers={ctx.handlers} />}
      </div>
      {message.reactions.length > 0 && <Reactions message={message} ctx={ctx} />}
    </div>
  )
}

function Quote({ reply, ctx }: { reply: NonNullable<ChatMessage['replyTo']>; ctx: MessageContext }) {
  const { t } = useI18n()
  const jump = () => document.getElementById(`chat-msg-${reply.seq}`)?.focus()
  return (
    <button type="button" className="chat-quote" onClick={jump}>
      <span className="chat-quote-sender">
        <bdi>{senderName(reply.senderId, ctx, t)}</bdi>
      </span>
      <bdi className="chat-quote-text">{reply.text ? excerpt(reply.text, t, 120) : t('chat.deleted')}</bdi>
      <span className="visually-hidden">{t('chat.quoteHint')}</span>
    </button>
  )
}

function Reactions({ message, ctx }: { message: ChatMessage; ctx: MessageContext }) {
  const { t, formatNumber } = useI18n()
  return (
    <ul className="chat-reactions" aria-label={t('chat.reactions')}>
      {message.reactions.map((r) => (
        <li key={r.emoji}>
          <Button
            variant="secondary"
            size="small"
            className="chat-reaction"
            aria-pressed={r.userIds.includes(ctx.me)}
            onPress={() => ctx.handlers.onReact(message, r.emoji)}
          >
            {r.emoji} {formatNumber(r.count)}
          </Button>
        </li>
      ))}
    </ul>
  )
}

const TICK_ICON = { sending: 'clock', failed: 'alert', sent: 'check', delivered: 'checks', read: 'checks' } as const

export function Ticks({ tick }: { tick: Tick }) {
  const { t } = useI18n()
  return (
    <span className={`chat-tick ${tick}`}>
      <ChatIcon name={TICK_ICON[tick]} size={16} />
      <span className="visually-hidden">{t(`chat.tick.${tick}`)}</span>
    </span>
  )
}

export function PendingItem({
  pending,
  ctx,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage
  ctx: MessageContext
  onRetry: () => void
  onDiscard: () => void
}) {
  const { t } = useI18n()
  const failed = pending.status === 'failed'
  return (
    <div className={failed ? 'chat-msg mine failed' : 'chat-msg mine pending'}>
      <div className="chat-msg-body">
        <div className="chat-bubble">
          <span className="visually-hidden">{t('chat.saidBy', { name: t('chat.you') })}</span>
          {pending.replyTo && <Quote reply={pending.replyTo} ctx={ctx} />}
          {pending.text && (
            <p className="chat-text" dir="auto">
              {pending.text}
            </p>
          )}
          <Attachments files={pending.attachments} />
          <p className="chat-meta">
            <Ticks tick={pending.status} />
          </p>
        </div>
      </div>
      {failed && (
        <div className="chat-failed" role="alert">
          <p>{chatProblem(t, asCaravanError(pending.error))}</p>
          <Button
            variant="secondary"
            size="small"
            onPress={onRetry}
            aria-label={t('chat.retryNamed', { excerpt: excerpt(pending.text, t) })}
          >
            {t('chat.retry')}
          </Button>
          <Button
            variant="quiet"
            size="small"
            onPress={onDiscard}
            aria-label={t('chat.discardNamed', { excerpt: excerpt(pending.text, t) })}
          >
            {t('chat.discard')}
          </Button>
        </div>
      )}
    </div>
  )
}
