// The visitor's past conversations (newest first) and the button that starts a new one.
import { h } from '../embed-kit/dom'
import type { Texts } from './i18n'
import type { WidgetConversation } from './types'

export function listView(tx: Texts, conversations: WidgetConversation[], on: { open(id: string): void; start(): void }) {
  const items = conversations.map((c) => {
    const last = c.lastMessage
    const preview = last?.text || (last?.attachments.length ? tx.t('attachment') : tx.t('noMessages'))
    const button = h(
      'button',
      { type: 'button', class: 'item', 'data-id': c.id },
      h('span', null, preview, h('br'), h('small', null, tx.time(c.lastMessageAt), c.status === 'closed' && ` · ${tx.t('closed')}`)),
      c.unreadCount > 0 &&
        h(
          'span',
          { class: 'count' },
          h('span', { 'aria-hidden': 'true' }, tx.num(c.unreadCount)),
          h('span', { class: 'sr' }, tx.t('unread', { count: c.unreadCount })),
        ),
    )
    button.onclick = () => on.open(c.id)
    return h('li', null, button)
  })
  const start = h('button', { type: 'button', class: 'primary' }, tx.t('newConversation'))
  start.onclick = on.start
  return h('div', { class: 'pad' }, h('h3', null, tx.t('conversations')), h('ul', { class: 'list' }, ...items), start)
}
