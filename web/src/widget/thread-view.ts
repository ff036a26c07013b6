// A conversation: its messages (a log screen readers follow), "typing…" when an agent types, and
// the composer (Enter sends, Shift+Enter is a new line) with file attachments.
import { h, uid } from '../embed-kit/dom'
import { attachIcon, backIcon, iconButton, sendIcon } from './icons'
import type { Texts } from './i18n'
import { messageView } from './message-view'
import type { FileView, Shown } from './types'

export interface ThreadActions {
  back(): void
  /** Sends the composer's text and files; the controller shows it at once and reports failures. */
  send(text: string, files: FileView[]): void
  /** Loads the page of messages before the oldest shown. */
  older(): void
  /** Sends a failed message again. */
  retry(message: Shown): void
  typed(): void
  /** Uploads a file; undefined when refused (the controller says why). */
  upload(file: File): Promise<FileView | undefined>
}

export interface ThreadOptions {
  /** Whose messages sit on the visitor's side. */
  me: string | undefined
  base: string
  /** The longest message (a new conversation's first one is shorter). */
  maxLength: number
  closed: boolean
}

export function threadView(tx: Texts, options: ThreadOptions, on: ThreadActions) {
  const shown = new Map<string, HTMLElement>()
  const empty = h('p', { class: 'note' }, tx.t('emptyThread'))
  const log = h('div', { class: 'thread', role: 'log', 'aria-label': tx.t('messages') }, empty)
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' })
  // The back arrow is mirrored in RTL (styles.ts), pointing the way the text reads.
  const back = iconButton(backIcon(), tx.t('back'), 'flip')
  back.onclick = on.back

  const render = (message: Shown) =>
    messageView(tx, message, Boolean(options.me) && message.senderId === options.me, options.base, () => on.retry(message))

  // "Earlier messages" heads the log while the conversation has more than is shown.
  const earlier = h('button', { type: 'button', class: 'link', hidden: true }, tx.t('earlier'))
  earlier.onclick = () => on.older()
  log.prepend(earlier)

  /** Adds a message (at the end, or before the others: an earlier page), or replaces it (the sent copy, an edit, a scan result). */
  function upsert(message: Shown, before = false) {
    if (message.kind === 'system') return
    const key = message.clientMessageId ?? message.id
    const el = render(message)
    const old = shown.get(key)
    if (old) old.replaceWith(el)
    else if (before) earlier.after(el)
    else log.append(el)
    shown.set(key, el)
    empty.remove()
    if (!before) log.scrollTop = log.scrollHeight
  }

  const el = h('div', { class: 'body' }, h('div', { class: 'bar' }, back), log, typing)
  const input = options.closed ? undefined : composer(tx, options.maxLength, on)
  el.append(input?.form ?? h('p', { class: 'note pad' }, tx.t('closedThread')))

  return {
    el,
    upsert,
    set(messages: Shown[]) {
      for (const message of [...messages].sort((a, b) => a.seq - b.seq)) upsert(message)
    },
    /** An earlier page, oldest first, goes before what is shown; `more`: there is still more before it. */
    prepend(messages: Shown[], more: boolean) {
      for (const message of [...messages].sort((a, b) => b.seq - a.seq)) upsert(message, true)
      earlier.hidden = !more
    },
    setMore(more: boolean) {
      earlier.hidden = !more
    },
    /** Where focus goes when the thread opens: the message box, else the way back. */
    focus() {
      ;(input?.text ?? back).focus()
    },
    setTyping(on: boolean) {
      typing.textContent = on ? tx.t('typing') : ''
    },
  }
}

function composer(tx: Texts, maxLength: number, on: ThreadActions) {
  const hintId = uid('hint')
  const text = h('textarea', { id: uid('text'), rows: 2, maxlength: maxLength, 'aria-describedby': hintId })
  const send = iconButton(sendIcon(), tx.t('send'))
  send.type = 'submit'
  const files: FileView[] = []
  const chips = h('ul', { class: 'files', hidden: true })
  let uploading = 0

  const picker = h('input', { type: 'file', multiple: true, hidden: true, tabindex: '-1', 'aria-label': tx.t('attach') })
  const attach = iconButton(attachIcon(), tx.t('attach'))
  attach.onclick = () => picker.click()
  picker.onchange = async () => {
    const chosen = [...(picker.files ?? [])].slice(0, 10 - files.length)
    picker.value = ''
    await Promise.all(chosen.map(upload))
  }

  async function upload(file: File) {
    const chip = h('li', { class: 'chip' }, tx.t('uploading', { name: file.name }))
    chips.append(chip)
    chips.hidden = false
    send.disabled = ++uploading > 0
    const done = await on.upload(file)
    send.disabled = --uploading > 0
    if (!done) return removeChip(chip)
    files.push(done)
    const remove = h('button', { type: 'button', class: 'icon', 'aria-label': tx.t('removeFile', { name: done.name }) }, '×')
    remove.onclick = () => {
      files.splice(files.indexOf(done), 1)
      removeChip(chip)
      attach.focus()
    }
    chip.replaceChildren(done.name, remove)
  }

  function removeChip(chip: HTMLElement) {
    chip.remove()
    chips.hidden = chips.childElementCount === 0
  }

  const form = h(
    'form',
    { class: 'composer' },
    chips,
    h('label', { for: text.id, class: 'sr' }, tx.t('messageLabel')),
    h('span', { id: hintId, class: 'sr' }, tx.t('composerHint')),
    h('div', { class: 'row' }, attach, picker, text, send),
  )
  text.oninput = () => on.typed()
  // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition only confirms it.
  text.onkeydown = (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
    event.preventDefault()
    send.click()
  }
  form.onsubmit = (event) => {
    event.preventDefault()
    const value = text.value.trim()
    if (uploading || (!value && files.length === 0)) return
    on.send(value, files.splice(0))
    text.value = ''
    chips.replaceChildren()
    chips.hidden = true
  }
  return { form, text }
}
