// The inbox: newest first, unread items marked, read on open, archive, an "archived" view,
// cursor paging, and items that arrive over the socket added at the top without a reload.
import type { InboxItem, InboxPage } from '@caravan/sdk'
import { useEffect, useRef, type MouseEvent } from 'react'
import { useI18n, type Translate } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { client } from '../auth/session'
import { ErrorAlert, StatusMessage, useAction, useMessage } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'
import { CATEGORIES } from './labels'
import { onNewItem, setUnreadCount, useUnreadCount } from './unread'

const PAGE_SIZE = 20

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
  const items = useLoad<InboxPage>(() => client.notifications.list({ archived: archived || undefined, limit: PAGE_SIZE }), [archived])
  const [message, setMessage] = useMessage()

  // New items arrive at the top of the inbox (not of the archive) while the page is open.
  const { update } = items
  useEffect(() => {
    if (archived) return
    // Ids are time-ordered (UUIDv7), as the server sorts them; concurrent deliveries may arrive out of order.
    return onNewItem((item) =>
      update((page) =>
        page.items.some((i) => i.id === item.id)
          ? page
          : { ...page, items: [item, ...page.items].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)) },
      ),
    )
  }, [archived, update])

  const replace = (changed: InboxItem) => update((page) => ({ ...page, items: page.items.map((i) => (i.id === changed.id ? changed : i)) }))

  const more = useAction(async (cursor: string) => {
    const next = await client.notifications.list({ archived: archived || undefined, limit: PAGE_SIZE, cursor })
    update((page) => {
      const known = new Set(page.items.map((i) => i.id))
      return { items: [...page.items, ...next.items.filter((i) => !known.has(i.id))], nextCursor: next.nextCursor }
    })
  })
  const markRead = useAction(async (item: InboxItem) => {
    if (item.read) return
    replace(await client.notifications.markRead(item.id))
    // The socket confirms the count; this keeps the badge right when it is down.
    if (unread) setUnreadCount(unread - 1)
  })
  const markAll = useAction(async () => {
    const updated = await client.notifications.markAllRead()
    update((page) => ({ ...page, items: page.items.map((i) => ({ ...i, read: true })) }))
    setUnreadCount(0)
    setMessage((t) => (updated ? t('inbox.allMarkedRead', { count: updated }) : t('inbox.nothingUnread')))
  })
  const archive = useAction(async (item: InboxItem) => {
    await client.notifications.archive(item.id)
    update((page) => ({ ...page, items: page.items.filter((i) => i.id !== item.id) }))
    if (!item.read && unread) setUnreadCount(unread - 1)
    setMessage((t) => t('inbox.archived', { title: item.title }))
    // Focus would be lost with the removed row: keep it in the list.
    document.querySelector<HTMLElement>('#inbox-heading')?.focus()
  })

  const error = items.error ?? more.error ?? markRead.error ?? markAll.error ?? archive.error ?? null
  const list = items.data?.items
  return (
    <Page title={t('inbox.title')} intro={t('inbox.intro')}>
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
            <button
              type="button"
              className="secondary"
              disabled={markAll.pending || (!list?.some((i) => !i.read) && !unread)}
              onClick={() => void markAll.run()}
            >
              {markAll.pending ? t('common.working') : t('inbox.markAllRead')}
            </button>
          )}
          <Link to="/settings/notifications" className="button secondary">
            {t('inbox.settings')}
          </Link>
        </div>
      </div>
      <StatusMessage message={message} />
      <ErrorAlert error={error} />
      <h2 id="inbox-heading" className="visually-hidden" tabIndex={-1}>
        {archived ? t('inbox.tabArchived') : t('inbox.tabInbox')}
      </h2>
      {items.loading && !items.data && <p>{t('common.loading')}</p>}
      {list?.length === 0 && <p className="empty">{archived ? t('inbox.emptyArchived') : t('inbox.empty')}</p>}
      {!!list?.length && (
        <>
          <ul className="inbox" aria-labelledby="inbox-heading">
            {list.map((item) => (
              <InboxEntry
                key={item.id}
                item={item}
                t={t}
                onOpen={() => void markRead.run(item)}
                onRead={() => markRead.run(item)}
                onArchive={() => void archive.run(item)}
                busy={markRead.pending || archive.pending}
              />
            ))}
          </ul>
          <p className="muted small">{t('inbox.shown', { count: formatNumber(list.length) })}</p>
          {items.data?.nextCursor && (
            <button type="button" className="secondary" disabled={more.pending} onClick={() => void more.run(items.data!.nextCursor!)}>
              {more.pending ? t('common.working') : t('common.loadMore')}
            </button>
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
  busy,
}: {
  item: InboxItem
  t: Translate
  onOpen: () => void
  onRead: () => Promise<unknown>
  onArchive: () => void
  busy: boolean
}) {
  const { formatDate } = useI18n()
  const archiveButton = useRef<HTMLButtonElement>(null)
  // The "Mark as read" button goes away once it worked: keep focus on the item.
  const read = async () => {
    await onRead()
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
          <time dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>
          <span aria-hidden="true"> · </span>
          <span>{category}</span>
        </p>
      </div>
      <div className="inbox-actions">
        {!item.read && (
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            onClick={() => void read()}
            aria-label={t('inbox.markReadNamed', { title: item.title })}
          >
            {t('inbox.markRead')}
          </button>
        )}
        {!item.archived && (
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            onClick={onArchive}
            ref={archiveButton}
            aria-label={t('inbox.archiveNamed', { title: item.title })}
          >
            {t('inbox.archive')}
          </button>
        )}
      </div>
    </li>
  )
}
