// Messages matching the search box, across my conversations, newest first. Each hit opens its
// conversation at that message (`?message=<seq>`), which loads history back to it.
import type { ConversationPage } from '@caravan/sdk'
import type { InfiniteData } from '@tanstack/react-query'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { ProblemAlert, Skeleton } from '../../ui'
import { RelativeTime } from '../../ui/dates/RelativeTime'
import { queryClient } from '../../data/queryClient'
import { conversationTitle } from './names'
import { chatKeys, useMessageSearch } from './queries'
import { findInList } from './conversationState'

export function SearchResults({ query, me }: { query: string; me: string }) {
  const { t } = useI18n()
  const search = useMessageSearch(query)
  const hits = search.data?.items
  const list = queryClient.getQueryData<InfiniteData<ConversationPage, string | undefined>>(chatKeys.list)
  const nameOf = (conversationId: string, given: string | null) => {
    const c = findInList(list, conversationId)
    return c ? conversationTitle(c, me, t) : (given ?? t('chat.directConversation'))
  }
  return (
    <section className="chat-results" aria-labelledby="chat-results-heading">
      <h2 id="chat-results-heading" className="visually-hidden">
        {t('chat.results')}
      </h2>
      <p className="muted small" role="status">
        {hits ? (hits.length ? t('chat.resultCount', { count: hits.length }) : t('chat.noResults')) : ''}
      </p>
      <ProblemAlert error={search.error} onRetry={() => void search.refetch()} />
      {search.isFetching && !hits && <Skeleton lines={3} />}
      {!!hits?.length && (
        <ul>
          {hits.map(({ message, conversationName }) => (
            <li key={message.id}>
              <Link to={`/chat/${message.conversationId}?message=${message.seq}`} className="chat-row chat-hit">
                <span className="chat-row-main">
                  <span className="chat-row-top">
                    <span className="chat-row-name">
                      <bdi>{nameOf(message.conversationId, conversationName)}</bdi>
                    </span>
                    <RelativeTime iso={message.createdAt} className="chat-row-time" />
                  </span>
                  <span className="chat-row-excerpt">
                    <bdi>{message.text}</bdi>
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
