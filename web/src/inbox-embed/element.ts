// <caravan-inbox>: a bell with the unread count that opens the user's inbox in a popover (mark
// read, mark all read, archive, more pages), live over the socket. It signs in as the host's user
// with the signed identity in its attributes; everything it draws lives in its shadow root.
import { focusFirst, h } from '../embed-kit/dom'
import { icon, iconButton } from '../embed-kit/icons'
import { isLocale, type Locale } from '../embed-kit/texts'
import { ApiError, createApi, type Api, type InboxItem } from './api'
import { texts, type InboxTexts, type Key } from './i18n'
import { connectLive } from './live'
import { css } from './styles'

const bellIcon = () =>
  icon(
    'M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.8V3a1.5 1.5 0 0 0-3 0v1.2A7 7 0 0 0 5 11v5l-2 2v1h18v-1z',
  )
const checkIcon = () => icon('M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z')
const archiveIcon = () => icon('M3 3h18v4H3zm1 5h16v13H4zm5 3v2h6v-2z')
const closeIcon = () => icon('M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z')

/** Links open only on the web: a javascript: or data: URL in a notification never runs. */
function safeUrl(url: string | null): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url, location.href)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

function errorKey(error: unknown): Key {
  if (error instanceof ApiError && error.status === 0) return 'errNetwork'
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return 'errIdentity'
  return 'errGeneric'
}

/** Where Caravan is when the element has no base-url: the origin /inbox.js was loaded from. */
let defaultBase = ''
export const setDefaultBase = (base: string) => (defaultBase = base)

export class CaravanInboxElement extends HTMLElement {
  static observedAttributes = ['base-url', 'external-id', 'signature', 'lang', 'preferences-url']

  private readonly root = this.attachShadow({ mode: 'open' })
  private api?: Api
  private live?: { close(): void }
  private tx: InboxTexts = texts('en')
  private items: InboxItem[] = []
  private nextCursor: string | null = null
  private loaded = false
  private count = 0
  /** The seq of the count shown: an older count arriving late never replaces a newer one. */
  private seq = -1
  private open = false
  private error: Key | undefined
  private busy = false
  private started = false

  private bell = h('button', { type: 'button', class: 'bell', 'aria-expanded': 'false', 'aria-controls': 'panel' })
  private badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true })
  private panel = h('div', { id: 'panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'heading', hidden: true })
  private list = h('ul', { class: 'list' })
  private state = h('p', { class: 'state', role: 'status' })
  private markAll = h('button', { type: 'button', class: 'link' })
  private more = h('button', { type: 'button', class: 'link', hidden: true })
  private foot = h('div', { class: 'foot' })

  connectedCallback() {
    this.started = true
    this.restart()
    document.addEventListener('click', this.outside)
  }

  disconnectedCallback() {
    this.started = false
    this.live?.close()
    document.removeEventListener('click', this.outside)
  }

  attributeChangedCallback() {
    if (this.started) this.restart()
  }

  private locale(): Locale {
    const own = this.getAttribute('lang')
    if (isLocale(own)) return own
    return document.documentElement.lang.toLowerCase().startsWith('fa') ? 'fa' : 'en'
  }

  /** Draws the element afresh and, with an identity, signs in and reads the count. */
  private restart() {
    this.live?.close()
    this.live = undefined
    Object.assign(this, { items: [], nextCursor: null, loaded: false, count: 0, seq: -1, error: undefined, open: false })
    this.tx = texts(this.locale())
    this.draw()
    const externalId = this.getAttribute('external-id')
    const signature = this.getAttribute('signature')
    if (!externalId || !signature) return
    const base = (this.getAttribute('base-url') || defaultBase).replace(/\/+$/, '')
    const api = (this.api = createApi(base, { externalId, signature }))
    this.live = connectLive(base, api.token, api.renew, {
      item: (item, count, seq) => {
        // In the server's order (ids are UUIDv7, newest first): two sent at once may arrive either way.
        if (this.loaded && !this.items.some((i) => i.id === item.id))
          this.items = [...this.items, item].sort((a, b) => (a.id < b.id ? 1 : -1))
        this.setCount(count, seq)
        this.drawList()
      },
      unread: (count, seq) => this.setCount(count, seq),
      reconnected: () => void this.refresh(),
    })
    void this.refresh()
  }

  /** Reads the count, and the first page when the list was shown already. */
  private async refresh() {
    const api = this.api
    try {
      const unread = await api!.unread()
      if (api !== this.api) return
      this.setCount(unread.count, unread.seq)
      if (this.loaded) await this.load(true)
    } catch (error) {
      this.fail(error)
    }
  }

  private async load(first: boolean) {
    const api = this.api!
    this.busy = true
    this.drawList()
    try {
      const page = await api.list(first ? null : this.nextCursor)
      if (api !== this.api) return
      const known = new Set((first ? [] : this.items).map((i) => i.id))
      this.items = [...(first ? [] : this.items), ...page.items.filter((i) => !known.has(i.id))]
      this.nextCursor = page.nextCursor
      this.loaded = true
      this.error = undefined
    } catch (error) {
      this.error = errorKey(error)
    } finally {
      this.busy = false
      this.drawList()
    }
  }

  private fail(error: unknown) {
    this.error = errorKey(error)
    this.drawList()
  }

  private setCount(count: number, seq: number) {
    if (seq < this.seq) return
    this.seq = seq
    if (count === this.count) return
    this.count = count
    this.drawBell()
    this.dispatchEvent(new CustomEvent('caravan-inbox:unread', { detail: { count }, bubbles: true, composed: true }))
  }

  private outside = (event: Event) => {
    if (this.open && !event.composedPath().includes(this)) this.toggle(false)
  }

  private toggle(open: boolean) {
    this.open = open
    this.panel.hidden = !open
    this.bell.setAttribute('aria-expanded', String(open))
    if (!open) return
    if (!this.loaded && !this.busy && this.api) void this.load(true)
    focusFirst(this.panel)
  }

  private async act(item: InboxItem, action: 'read' | 'archive') {
    const api = this.api!
    // Focus goes where the next keyboard step is: the same item (read) or the next one (archived),
    // else the list's heading.
    const li = this.list.querySelector(`[data-id="${CSS.escape(item.id)}"]`)
    const nextId = (li?.nextElementSibling ?? li?.previousElementSibling)?.getAttribute('data-id')
    try {
      const changed = action === 'read' ? await api.markRead(item.id) : await api.archive(item.id)
      this.items = changed.archived ? this.items.filter((i) => i.id !== item.id) : this.items.map((i) => (i.id === item.id ? changed : i))
      this.error = undefined
    } catch (error) {
      this.error = errorKey(error)
    }
    this.drawList()
    const focusId = action === 'archive' ? nextId : item.id
    const target = focusId && this.list.querySelector(`[data-id="${CSS.escape(focusId)}"]`)
    if (target) focusFirst(target)
    else this.root.getElementById('heading')?.focus()
  }

  private async readAll() {
    try {
      await this.api!.readAll()
      this.items = this.items.map((i) => ({ ...i, read: true }))
      this.error = undefined
    } catch (error) {
      this.error = errorKey(error)
    }
    this.drawList()
  }

  // ---- drawing ------------------------------------------------------------------------------

  private draw() {
    const { t, dir, locale } = this.tx
    this.bell.replaceChildren(bellIcon(), this.badge)
    this.bell.onclick = () => this.toggle(!this.open)
    const heading = h('h2', { id: 'heading', tabindex: '-1' }, t('heading'))
    const close = iconButton(closeIcon(), t('close'))
    close.onclick = () => {
      this.toggle(false)
      this.bell.focus()
    }
    this.markAll.textContent = t('markAll')
    this.markAll.onclick = () => void this.readAll()
    this.more.textContent = t('more')
    this.more.onclick = () => void this.load(false)
    const prefs = safeUrl(this.getAttribute('preferences-url'))
    this.foot.replaceChildren(this.more, prefs ? h('a', { class: 'link', href: prefs, target: '_top' }, t('preferences')) : '')
    this.panel.replaceChildren(h('div', { class: 'head' }, heading, this.markAll, close), this.state, this.list, this.foot)
    this.panel.onkeydown = (event) => {
      if (event.key !== 'Escape') return
      this.toggle(false)
      this.bell.focus()
    }
    this.panel.hidden = true
    this.bell.setAttribute('aria-expanded', 'false')
    const hasIdentity = Boolean(this.getAttribute('external-id') && this.getAttribute('signature'))
    this.root.replaceChildren(
      h('style', null, css),
      h('div', { class: 'root', dir, lang: locale, hidden: !hasIdentity }, this.bell, this.panel),
    )
    this.drawBell()
    this.drawList()
  }

  private drawBell() {
    const { t, num } = this.tx
    this.bell.setAttribute('aria-label', this.count > 0 ? t('bellUnread', { count: this.count }) : t('bell'))
    this.badge.hidden = this.count === 0
    this.badge.textContent = this.count > 99 ? `${num(99)}+` : num(this.count)
  }

  private drawList() {
    const { t } = this.tx
    const message = this.error
      ? t(this.error)
      : this.busy && !this.items.length
        ? t('loading')
        : this.loaded && !this.items.length
          ? t('empty')
          : ''
    if (this.state.textContent !== message) this.state.textContent = message
    this.state.hidden = !message
    this.markAll.hidden = !this.items.some((i) => !i.read)
    this.more.hidden = !this.nextCursor
    this.more.disabled = this.busy
    this.list.replaceChildren(...this.items.map((item) => this.drawItem(item)))
    this.list.hidden = !this.items.length
  }

  private drawItem(item: InboxItem) {
    const { t, time } = this.tx
    const href = safeUrl(item.actionUrl)
    const title = href ? h('a', { class: 'title', href, target: '_top' }, item.title) : h('p', { class: 'title' }, item.title)
    if (href && !item.read) title.addEventListener('click', () => void this.api?.markRead(item.id).catch(() => {}))
    const actions = h('div', { class: 'actions' })
    if (!item.read) {
      const read = iconButton(checkIcon(), t('markRead', { title: item.title }))
      read.onclick = () => void this.act(item, 'read')
      actions.append(read)
    }
    const archive = iconButton(archiveIcon(), t('archive', { title: item.title }))
    archive.onclick = () => void this.act(item, 'archive')
    actions.append(archive)
    return h(
      'li',
      { class: item.read ? 'item' : 'item unread', 'data-id': item.id },
      h(
        'div',
        { class: 'text' },
        item.read ? '' : h('span', { class: 'dot', 'aria-hidden': 'true' }),
        item.read ? '' : h('span', { class: 'sr' }, `${t('unread')}: `),
        title,
        item.body ? h('p', { class: 'body' }, item.body) : '',
        h('time', { datetime: item.createdAt }, time(item.createdAt)),
      ),
      actions,
    )
  }
}
