// The chat panel: a non-modal dialog named by its heading (the site's name), with the team's
// online light, a close button and an alert line for errors; the views fill its body.
import { h, uid } from '../embed-kit/dom'
import { closeIcon, iconButton } from './icons'
import type { Texts } from './i18n'

export function createPanel(tx: Texts, siteName: string, onClose: () => void) {
  const titleId = uid('title')
  const light = h('span', { class: 'light', 'aria-hidden': 'true' })
  const statusText = h('span')
  const close = iconButton(closeIcon(), tx.t('close'))
  close.onclick = onClose
  const alert = h('p', { class: 'alert', role: 'alert', hidden: true })
  const body = h('div', { class: 'body' })
  const el = h(
    'div',
    { class: 'panel', id: uid('panel'), role: 'dialog', 'aria-labelledby': titleId, hidden: true },
    h('div', { class: 'head' }, h('h2', { id: titleId }, siteName), h('span', { class: 'status' }, light, statusText), close),
    alert,
    body,
  )
  // Escape closes from anywhere inside the panel (the page's own Escape handlers never see it first).
  el.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return
    event.stopPropagation()
    onClose()
  })

  return {
    el,
    close,
    /** Replaces the view in the body. */
    show(view: Node) {
      body.replaceChildren(view)
    },
    setOnline(online: boolean) {
      light.classList.toggle('on', online)
      statusText.textContent = tx.t(online ? 'online' : 'offline')
    },
    /** A short error for the visitor; none clears it. */
    setError(message?: string) {
      alert.hidden = !message
      alert.textContent = message ?? ''
    },
  }
}
