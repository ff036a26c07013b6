// One message bubble: the visitor's own on one side, the agents' on the other, with its files and
// its time in the visitor's locale. Screen readers hear who said it first.
import { h } from '../embed-kit/dom'
import type { Texts } from './i18n'
import type { FileView, Shown } from './types'

/** A link to a file the server signed, resolved against the API; only http(s) ever becomes a link. */
function safeUrl(url: string | undefined, base: string) {
  if (!url) return undefined
  const resolved = new URL(url, base)
  return /^https?:$/.test(resolved.protocol) ? resolved.href : undefined
}

function attachment(file: FileView, base: string) {
  const href = safeUrl(file.url, base)
  const thumb = safeUrl(file.thumbnailUrl, base)
  if (!href) return h('span', null, file.name)
  const link = h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, thumb ? h('img', { src: thumb, alt: file.name }) : file.name)
  return h('div', null, link)
}

export function messageView(tx: Texts, message: Shown, mine: boolean, base: string, retry: () => void) {
  let again: HTMLButtonElement | undefined
  if (message.state === 'failed') {
    again = h('button', { type: 'button', class: 'retry' }, tx.t('retry'))
    again.onclick = retry
  }
  return h(
    'div',
    { class: mine ? 'msg mine' : 'msg' },
    h('span', { class: 'sr' }, `${tx.t(mine ? 'you' : 'agent')}: `),
    // Its own element (dir=auto: a Persian message in an English widget reads right to left), apart from the time.
    message.text ? h('span', { class: 'text', dir: 'auto' }, message.text) : '',
    ...message.attachments.map((file) => attachment(file, base)),
    message.state
      ? h('span', { class: 'state' }, tx.t(message.state))
      : h('time', { datetime: message.createdAt }, tx.time(message.createdAt)),
    ...(again ? [again] : []),
  )
}
