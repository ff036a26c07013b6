// The round button that opens the panel; its badge counts unread messages (the count is also in
// its name, since the badge itself is hidden from screen readers).
import { h } from '../embed-kit/dom'
import { chatIcon } from './icons'
import type { Texts } from './i18n'

export function createLauncher(tx: Texts, panelId: string, onClick: () => void) {
  const badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true })
  const el = h('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': panelId }, chatIcon(), badge)
  el.onclick = onClick
  const setUnread = (count: number) => {
    badge.hidden = count === 0
    badge.textContent = tx.num(Math.min(count, 99)) + (count > 99 ? '+' : '')
    el.setAttribute('aria-label', count ? tx.t('openUnread', { count }) : tx.t('open'))
  }
  setUnread(0)
  return {
    el,
    setUnread,
    setExpanded: (open: boolean) => el.setAttribute('aria-expanded', String(open)),
  }
}
