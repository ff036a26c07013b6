// The open conversation's heading: its name as the page's h1 (focused after each navigation), the
// other person's presence or the group's size, the Details button, and on a phone the link back
// to the list.
import type { Conversation } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Button } from '../../ui'
import { useMinuteClock } from '../../ui/dates/RelativeTime'
import { ChatIcon } from './ChatIcon'
import { otherMember } from './names'

export function ThreadHeading({
  title,
  conversation,
  me,
  loading,
  onDetails,
}: {
  title: string
  conversation?: Conversation
  me?: string
  loading?: boolean
  onDetails?: () => void
}) {
  const { t, formatRelative, formatNumber } = useI18n()
  const clock = useMinuteClock()
  let status = ''
  if (conversation && me) {
    if (conversation.kind === 'direct') {
      const other = otherMember(conversation, me)
      if (other?.online) status = t('chat.online')
      else if (other?.lastSeenAt) status = t('chat.lastSeen', { when: formatRelative(other.lastSeenAt, clock) })
    } else status = t('chat.memberCount', { count: conversation.members.length, shown: formatNumber(conversation.members.length) })
  }
  const online = conversation?.kind === 'direct' && me && otherMember(conversation, me)?.online
  return (
    <div className="chat-thread-head">
      <Link to="/chat" className="button quiet icon-button chat-back" aria-label={t('chat.backToList')}>
        <ChatIcon name="back" mirror />
      </Link>
      <div className="chat-thread-title">
        <h1 tabIndex={-1}>
          <bdi>{title}</bdi>
        </h1>
        {status && (
          <p className="muted small">
            {online && <span className="chat-presence online" aria-hidden="true" />}
            {status}
          </p>
        )}
        {loading && <span className="visually-hidden">{t('chat.opening')}</span>}
      </div>
      {onDetails && (
        <Button
          variant="quiet"
          className="icon-button chat-details-button"
          aria-label={t('chat.detailsOf', { name: title })}
          onPress={onDetails}
        >
          <ChatIcon name="info" />
        </Button>
      )}
    </div>
  )
}
