// The conversations, newest activity first: name (a group's, or the other person's with a presence
// dot), the last message, when, and an unread badge. Each is a link (navigation), the open one
// marked aria-current. Typing in the search box shows matching messages instead.
import type { Conversation } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { Button, ProblemAlert, SearchField, Skeleton, useSettled } from '../../ui'
import { RelativeTime } from '../../ui/dates/RelativeTime'
import { ChatIcon } from './ChatIcon'
import { conversationTitle, excerptOf, otherMember } from './names'
import { NewConversationDialog } from './NewConversationDialog'
import { useConversations } from './queries'
import { SearchResults } from './SearchResults'

export function ConversationList({ me, activeId }: { me: string; activeId?: string }) {
  const { t } = useI18n()
  const list = useConversations()
  const [query, setQuery] = useState('')
  const searched = useSettled(query, 300)
  const [creating, setCreating] = useState(false)
  const Heading = activeId ? 'h2' : 'h1'
  const conversations = list.data?.pages.flatMap((p) => p.items)

  return (
    <section className="chat-list-pane" aria-labelledby="chat-list-heading">
      <div className="chat-list-head">
        <Heading id="chat-list-heading" tabIndex={-1}>
          {t('chat.title')}
        </Heading>
        <Button variant="primary" size="small" onPress={() => setCreating(true)}>
          <ChatIcon name="plus" size={18} />
          {t('chat.new')}
        </Button>
      </div>
      <SearchField className="chat-search" label={t('chat.search')} value={query} onChange={setQuery} data-page-search />
      {query.trim() ? (
        <SearchResults query={searched.trim()} me={me} />
      ) : (
        <nav className="chat-conversations" aria-label={t('chat.conversations')}>
          <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
          {list.isPending && <Skeleton lines={4} />}
          {conversations?.length === 0 && <p className="chat-empty muted">{t('chat.noConversations')}</p>}
          {!!conversations?.length && (
            <ul>
              {conversations.map((c) => (
                <li key={c.id}>
                  <ConversationRow conversation={c} me={me} />
                </li>
              ))}
            </ul>
          )}
          {list.hasNextPage && (
            <Button variant="secondary" size="small" isPending={list.isFetchingNextPage} onPress={() => void list.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          )}
        </nav>
      )}
      {creating && <NewConversationDialog me={me} people={conversations ?? []} onClose={() => setCreating(false)} />}
    </section>
  )
}

function ConversationRow({ conversation: c, me }: { conversation: Conversation; me: string }) {
  const { t, locale, formatNumber } = useI18n()
  const title = conversationTitle(c, me, t)
  const other = c.kind === 'direct' ? otherMember(c, me) : undefined
  const unread = c.unreadCount
  return (
    <Link to={`/chat/${c.id}`} className={unread ? 'chat-row unread' : 'chat-row'}>
      <span className="chat-avatar" aria-hidden="true">
        {Array.from(title)[0]?.toLocaleUpperCase()}
        {other && <span className={other.online ? 'chat-presence online' : 'chat-presence'} />}
      </span>
      <span className="chat-row-main">
        <span className="chat-row-top">
          <span className="chat-row-name">
            <bdi>{title}</bdi>
          </span>
          {other && <span className="visually-hidden">{other.online ? t('chat.online') : t('chat.offline')}</span>}
          <RelativeTime iso={c.lastMessageAt} className="chat-row-time" />
        </span>
        <span className="chat-row-bottom">
          <span className="chat-row-excerpt">
            <bdi>{excerptOf(c.lastMessage, c.members, me, t, locale)}</bdi>
          </span>
          {unread > 0 && (
            <span className="chat-unread">
              <span aria-hidden="true">{unread > 99 ? `${formatNumber(99)}+` : formatNumber(unread)}</span>
              <span className="visually-hidden">{t('chat.unread', { count: unread })}</span>
            </span>
          )}
        </span>
      </span>
    </Link>
  )
}
