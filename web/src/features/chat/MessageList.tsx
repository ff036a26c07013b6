// The message log: newest at the bottom, a day separator before each new day (in the viewer's
// calendar), older history loaded when the top comes into view (or with the button there), and the
// scroll kept where the reader is: at the bottom it follows new messages, higher up it stays and a
// "new messages" button appears; history put in front does not move what is on screen.
import type { ChatMessage } from '@caravan/sdk'
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n'
import { Button } from '../../ui'
import { ChatIcon } from './ChatIcon'
import { MessageItem, PendingItem, type MessageContext } from './MessageItem'
import { loadOlder } from './queries'
import type { Thread } from './thread'

const NEAR_BOTTOM_PX = 80

interface Props {
  conversationId: string
  thread: Thread
  ctx: MessageContext
  label: string
  /** A message to show (a search hit): history is loaded back to it, then it is scrolled to. */
  targetSeq?: number
  onRetry: (clientMessageId: string) => void
  onDiscard: (clientMessageId: string) => void
}

function useDayLabel() {
  const { t, formatDateOnly } = useI18n()
  const today = formatDateOnly(new Date().toISOString())
  const yesterday = formatDateOnly(new Date(Date.now() - 86_400_000).toISOString())
  return useCallback(
    (iso: string) => {
      const day = formatDateOnly(iso)
      return day === today ? t('chat.today') : day === yesterday ? t('chat.yesterday') : day
    },
    [formatDateOnly, today, yesterday, t],
  )
}

export function MessageList({ conversationId, thread, ctx, label, targetSeq, onRetry, onDiscard }: Props) {
  const { t, formatDateOnly } = useI18n()
  const dayLabel = useDayLabel()
  const log = useRef<HTMLDivElement>(null)
  const top = useRef<HTMLDivElement>(null)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [olderError, setOlderError] = useState<unknown>(null)
  const [newBelow, setNewBelow] = useState(false)
  const [highlighted, setHighlighted] = useState<number | undefined>(undefined)
  /** The search hit already shown (it is shown once, not again on every new message). */
  const [reached, setReached] = useState<number | undefined>(undefined)

  // Where the reader was before this render: at the bottom, and how far from it.
  const atBottom = useRef(true)
  const fromBottom = useRef(0)
  const shown = useRef({ first: 0, last: '' })
  const onScroll = () => {
    const el = log.current
    if (!el) return
    fromBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight
    atBottom.current = fromBottom.current < NEAR_BOTTOM_PX
    if (atBottom.current) setNewBelow(false)
  }
  const toBottom = () => {
    const el = log.current
    if (!el) return
    el.scrollTop = el.scrollHeight
    atBottom.current = true
    fromBottom.current = 0
    setNewBelow(false)
  }

  const first = thread.messages[0]?.seq ?? 0
  const lastMessage = thread.messages.at(-1)
  const lastPending = thread.pending.at(-1)
  const last = `${lastMessage?.seq ?? 0}:${thread.pending.length}:${lastPending?.clientMessageId ?? ''}`
  useLayoutEffect(() => {
    const el = log.current
    if (!el) return
    const before = shown.current
    shown.current = { first, last }
    if (atBottom.current) return toBottom()
    if (before.first && first < before.first) {
      // History went in above: keep the same distance from the bottom, so nothing on screen moves.
      el.scrollTop = el.scrollHeight - el.clientHeight - fromBottom.current
    } else if (before.last !== last) {
      const mineJustSent = lastPending && lastPending.status === 'sending'
      if (mineJustSent || lastMessage?.senderId === ctx.me) toBottom()
      else setNewBelow(true)
    }
  }, [first, last, lastMessage, lastPending, ctx.me])

  const older = useCallback(
    async (limit?: number) => {
      if (loadingOlder) return
      setLoadingOlder(true)
      setOlderError(null)
      try {
        await loadOlder(conversationId, limit)
      } catch (e) {
        setOlderError(e)
      } finally {
        setLoadingOlder(false)
      }
    },
    [conversationId, loadingOlder],
  )

  // The top of the log in view: the page before it.
  useEffect(() => {
    const el = top.current
    // While history is being loaded back to a search hit, the hit decides what loads.
    if (!el || !thread.hasOlder || (targetSeq && reached !== targetSeq)) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !atBottom.current) void older()
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [thread.hasOlder, older, targetSeq, reached])

  // A search hit: history back to it, then it is shown, marked for a moment, and focused.
  useEffect(() => {
    if (!targetSeq || reached === targetSeq || loadingOlder || olderError) return
    if (first > targetSeq && thread.hasOlder) {
      void older(200)
      return
    }
    setReached(targetSeq)
    const el = document.getElementById(`chat-msg-${targetSeq}`)
    if (!el) return
    atBottom.current = false
    el.scrollIntoView({ block: 'center' })
    el.focus({ preventScroll: true })
    setHighlighted(targetSeq)
  }, [targetSeq, reached, first, thread.hasOlder, older, loadingOlder, olderError])
  useEffect(() => {
    if (highlighted === undefined) return
    const timer = setTimeout(() => setHighlighted(undefined), 3_000)
    return () => clearTimeout(timer)
  }, [highlighted])

  const days = new Set<string>()
  const separator = (iso: string) => {
    const day = formatDateOnly(iso)
    if (days.has(day)) return null
    days.add(day)
    return (
      <h2 className="chat-day">
        <time dateTime={iso}>{dayLabel(iso)}</time>
      </h2>
    )
  }
  let previous: ChatMessage | undefined
  return (
    <div className="chat-log-wrap">
      <div
        className="chat-log"
        ref={log}
        role="log"
        aria-live="polite"
        aria-label={label}
        aria-busy={loadingOlder || undefined}
        tabIndex={0}
        onScroll={onScroll}
      >
        <div ref={top} className="chat-log-top">
          {thread.hasOlder ? (
            <Button variant="secondary" size="small" isPending={loadingOlder} onPress={() => void older()}>
              {t('chat.loadOlder')}
            </Button>
          ) : (
            thread.messages.length > 0 && <p className="muted small">{t('chat.beginning')}</p>
          )}
          {olderError != null && (
            <p className="field-error" role="alert">
              {t('chat.olderFailed')}
            </p>
          )}
        </div>
        {thread.messages.length === 0 && thread.pending.length === 0 && <p className="chat-empty muted">{t('chat.emptyThread')}</p>}
        {thread.messages.map((message) => {
          const showSender =
            previous?.senderId !== message.senderId ||
            previous?.kind === 'system' ||
            formatDateOnly(previous.createdAt) !== formatDateOnly(message.createdAt)
          previous = message
          return (
            <Fragment key={message.seq}>
              {separator(message.createdAt)}
              <MessageItem message={message} ctx={ctx} showSender={showSender} highlighted={highlighted === message.seq} />
            </Fragment>
          )
        })}
        {thread.pending.map((pending) => (
          <Fragment key={pending.clientMessageId}>
            {separator(pending.createdAt)}
            <PendingItem
              pending={pending}
              ctx={ctx}
              onRetry={() => onRetry(pending.clientMessageId)}
              onDiscard={() => onDiscard(pending.clientMessageId)}
            />
          </Fragment>
        ))}
      </div>
      {newBelow && (
        <Button variant="primary" size="small" className="chat-new-below" onPress={toBottom}>
          <ChatIcon name="down" size={16} />
          {t('chat.newBelow')}
        </Button>
      )}
    </div>
  )
}
