// The inbox: newest first, unread items marked, read on open, archive with undo, an "archived"
// view with restore, cursor paging, and items that arrive over the socket added at the top without
// a reload. Every action shows at once and is rolled back if the server refuses (queries.ts).
import type { InboxItem } from '@caravan/sdk'
import { useRef, useState, type MouseEvent } from 'react'
import { useI18n, type Translate } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { client } from '../auth/session'
import { Button, ProblemAlert } from '../../ui'
import { RelativeTime } from '../../ui/dates'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { CATEGORIES } from './labels'
import { PushPrompt } from './PushPrompt'
import './inbox.css'
import { useArchive, useInbox, useMarkAllRead, useMarkRead, useRestore, useUnreadCount } from './queries'

/** Only same-site paths and http(s) addresses are followed; anything else (javascript:...) is shown as text. */
export function safeActionUrl(url: string | null): { internal: boolean; href: string } | null {
  if (!url) return null
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return { internal: true, href: url }
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? { internal: false, href: parsed.href } : null
  } catch {
    return null
  }
}

export function Inbox() {
  const { t, formatNumber } = useI18n()
  const { search } = useLocation()
  const archived = search.get('view') === 'archived'
  const unread = useUnreadCount()
  const inbox = useInbox(archived)
  const markRead = useMarkRead()
  const markAll = useMarkAllRead()
  const archive = useArchive()
  const restore = useRestore()
  const [message, setMessage] = useMessage()
  // The last archived item, offered back with Undo until the next action.
  const [undoable, setUndoable] = useState<InboxItem | null>(null)

  const keepFocusInList = () => document.querySelector<HTMLElement>('#inbox-heading')?.focus()
  const archiveItem = (item: InboxItem) => {
    setUndoable(item)
    setMessage((t) => t('inbox.archived', { title: item.title }))
    // Focus would be lost with the removed row: keep it in the list.
    keepFocusInList()
    archive.mutate(item, { onError: () => setUndoable(null) })
  }
  const restoreItem = (item: InboxItem, undo: boolean) => {
    setUndoable(null)
    setMessage((t) => t(undo ? 'inbox.undone' : 'inbox.restored', { title: item.title }))
    if (!undo) keepFocusInList()
    restore.mutate(item)
  }
  const markAllRead = () => {
    setUndoable(null)
    markAll.mutate(undefined, {
      onSuccess: (updated) => setMessage((t) => (updated ? t('inbox.allMarkedRead', { count: updated }) : t('inbox.nothingUnread'))),
    })
  }

  const error = inbox.error ?? markRead.error ?? markAll.error ?? archive.error ?? restore.error ?? null
  const list = inbox.data?.pages.flatMap((page) => page.items)
  return (
    <Page title={t('inbox.title')} intro={t('inbox.intro')}>
      {!archived && <PushPrompt />}
      <div className="inbox-bar">
        <nav aria-label={t('inbox.views')} className="tabs-nav">
          <ul className="inline-list">
            <li>
              <Link to="/notifications" aria-current={archived ? undefined : 'page'}>
                {t('inbox.tabInbox')}
              </Link>
            </li>
            <li>
              <Link to="/notifications?view=archived" aria-current={archived ? 'page' : undefined}>
                {t('inbox.tabArchived')}
              </Link>
            </li>
          </ul>
        </nav>
        <div className="toolbar">
          {!archived && (
            <Button
              variant="secondary"
              isPending={markAll.isPending}
              isDisabled={!list?.some((i) => !i.read) && !unread}
              onPress={markAllRead}
            >
              {t('inbox.markAllRead')}
            </Button>
          )}
          <Link to="/settings/notifications" className="button secondary">
            {t('inbox.settings')}
          </Link>
        </div>
      </div>
      <div className="status-with-action">
        <StatusMessage message={message} />
        {undoable && !archived && (
          <Button variant="secondary" size="small" onPress={() => restoreItem(undoable, true)}>
            {t('inbox.undo')}
          </Button>
        )}
      </div>
      <ProblemAlert error={error} onRetry={inbox.isError ? () => void inbox.refetch() : undefined} />
      <h2 id="inbox-heading" className="visually-hidden" tabIndex={-1}>
        {archived ? t('inbox.tabArchived') : t('inbox.tabInbox')}
      </h2>
      {inbox.isPending && <p>{t('common.loading')}</p>}
      {list?.length === 0 && <p className="empty">{archived ? t('inbox.emptyArchived') : t('inbox.empty')}</p>}
      {!!list?.length && (
        <>
          <ul className="inbox" aria-labelledby="inbox-heading">
            {list.map((item) => (
              <InboxEntry
                key={item.id}
                item={item}
                t={t}
                onOpen={() => markRead.mutate(item)}
                onRead={() => markRead.mutateAsync(item)}
                onArchive={() => archiveItem(item)}
                onRestore={() => restoreItem(item, false)}
              />
            ))}
          </ul>
          <p className="muted small">{t('inbox.shown', { count: formatNumber(list.length) })}</p>
          {inbox.hasNextPage && (
            <Button variant="secondary" isPending={inbox.isFetchingNextPage} onPress={() => void inbox.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          )}
        </>
      )}
    </Page>
  )
}

function InboxEntry({
  item,
  t,
  onOpen,
  onRead,
  onArchive,
  onRestore,
}: {
  item: InboxItem
  t: Translate
  onOpen: () => void
  onRead: () => Promise<unknown>
  onArchive: () => void
  onRestore: () => void
}) {
  const archiveButton = useRef<HTMLButtonElement>(null)
  // The "Mark as read" button goes away once it worked: keep focus on the item.
  const read = async () => {
    await onRead().catch(() => {
      /* shown by the page's error alert; the item is marked unread again */
    })
    // After the re-render that enables it again.
    setTimeout(() => archiveButton.current?.focus(), 0)
  }
  const action = safeActionUrl(item.actionUrl)
  const category = (CATEGORIES as readonly string[]).includes(item.category)
    ? t(`category.${item.category as (typeof CATEGORIES)[number]}`)
    : item.category

  function openExternal(event: MouseEvent<HTMLAnchorElement>, href: string) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      onOpen()
      return
    }
    // Leaving the app would cancel the request: mark it read first.
    event.preventDefault()
    const go = () => {
      window.location.assign(href)
    }
    if (item.read) go()
    else client.notifications.markRead(item.id).then(go, go)
  }

  const title = <bdi>{item.title}</bdi>
  return (
    <li className={item.read ? 'inbox-item' : 'inbox-item unread'}>
      <div className="inbox-main">
        <h3 className="inbox-title">
          {!item.read && <span className="dot" aria-hidden="true" />}
          {!item.read && <span className="visually-hidden">{t('inbox.unreadMark')} </span>}
          {action?.internal && (
            <Link to={action.href} onClick={onOpen}>
              {title}
            </Link>
          )}
          {action && !action.internal && (
            <a href={action.href} onClick={(e) => openExternal(e, action.href)}>
              {title}
            </a>
          )}
          {!action && title}
        </h3>
        {/* Isolated, not dir="auto": an English text in a Persian page keeps the page's alignment. */}
        <p className="inbox-body">
          <bdi>{item.body}</bdi>
        </p>
        <p className="muted small inbox-meta">
          <RelativeTime iso={item.createdAt} />
          <span aria-hidden="true"> · </span>
          <span>{category}</span>
        </p>
      </div>
      <div className="inbox-actions">
        {!item.read && (
          <Button
            variant="secondary"
            size="small"
            onPress={() => void read()}
            aria-label={t('inbox.markReadTitled', { title: item.title })}
          >
            {t('inbox.markRead')}
          </Button>
        )}
        {item.archived ? (
          <Button variant="secondary" size="small" onPress={onRestore} aria-label={t('inbox.restoreNamed', { title: item.title })}>
            {t('inbox.restore')}
          </Button>
        ) : (
          <Button
            variant="secondary"
            size="small"
            onPress={onArchive}
            ref={archiveButton}
            aria-label={t('inbox.archiveNamed', { title: item.title })}
          >
            {t('inbox.archive')}
          </Button>
        )}
      </div>
    </li>
  )
}
