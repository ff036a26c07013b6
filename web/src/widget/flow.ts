// The widget in the page: its host element and shadow root, the launcher and panel, and the flow
// between the views (list, pre-chat form, thread, offline form), with the socket feeding new
// messages and typing into whatever is on screen. A visitor session is made only once needed.
import { ApiError, type Api } from './api'
import { focusFirst, h } from '../embed-kit/dom'
import type { Embed } from './embed'
import { isLocale, texts, type Key } from './i18n'
import { createLauncher } from './launcher'
import { listView } from './list-view'
import { offlineView, type OfflineRequest } from './offline-view'
import { createPanel } from './panel'
import { prechatView, type Prechat } from './prechat-view'
import { connect, type Link } from './socket'
import { css } from './styles'
import { threadView } from './thread-view'
import type { FileView, Identity, Message, Session, Shown, TypingEvent, WidgetConfig, WidgetConversation } from './types'

/** The problems the visitor gets their own sentence for; other 401/403s are errAuth, the rest errGeneric. */
const ERRORS: Record<string, Key> = {
  origin_not_allowed: 'errOrigin',
  widget_site_unknown: 'errOrigin',
  identity_required: 'errIdentity',
  invalid_signature: 'errSignature',
  network: 'errNetwork',
  payload_too_large: 'errFile',
  unsupported_media_type: 'errFile',
}

/** A clientMessageId; randomUUID exists only on https pages (and localhost), hosts may be plain http. */
const newId = () =>
  crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')

export function mount(embed: Embed, api: Api, config: WidgetConfig, who: () => { identity?: Identity; name?: string }) {
  const tx = texts(embed.locale ?? (isLocale(config.locale) ? config.locale : 'en'))
  // A custom element name: page rules written for divs or spans do not match the host.
  const host = document.createElement('caravan-widget')
  host.dir = tx.dir
  host.lang = tx.locale
  const root = host.attachShadow({ mode: 'open' })
  adoptStyles(root)
  const panel = createPanel(tx, config.name, close)
  const launcher = createLauncher(tx, panel.el.id, () => (panel.el.hidden ? open() : close()))
  root.append(launcher.el, panel.el)
  document.body.append(host)
  panel.setOnline(config.online)

  let session: Promise<Session> | undefined
  let visitorId: string | undefined
  let link: Link | undefined
  let conversations: WidgetConversation[] = []
  let prechat: Prechat = {}
  // What the panel shows (nothing yet, until the first open); the thread and its conversation (null: not created yet).
  let screen: 'list' | 'form' | 'thread' | undefined
  let thread: ReturnType<typeof threadView> | undefined
  let current: string | null | undefined
  let typingTimer: ReturnType<typeof setTimeout> | undefined

  const setUnread = () => launcher.setUnread(conversations.reduce((sum, c) => sum + c.unreadCount, 0))

  function fail(e: unknown) {
    const status = e instanceof ApiError ? e.status : 0
    const key = e instanceof ApiError ? ERRORS[e.type] : undefined
    panel.setError(tx.t(key ?? (status === 401 || status === 403 ? 'errAuth' : 'errGeneric')))
  }

  /** The visitor's session and socket, made once (again after a failure or a new identity). */
  function start() {
    session ??= api.session(who().name).then(async (answer) => {
      visitorId = answer.visitor.id
      link ??= connect(embed.apiBase, () => ({ site: embed.site, token: api.token(), identity: who().identity }), {
        message: received,
        updated: (message) => (current === message.conversationId ? thread?.upsert(message) : undefined),
        typing,
        reconnected,
      })
      await refreshList()
      return answer
    })
    session.catch(() => (session = undefined))
    return session
  }

  async function refreshList() {
    conversations = (await api.get<{ items: WidgetConversation[] }>('/v1/widget/conversations')).items
    setUnread()
    if (screen === 'list') showList(false)
  }

  function show(view: Node, what: NonNullable<typeof screen>) {
    screen = what
    panel.setError()
    panel.show(view)
  }

  function showList(focus = true) {
    // A re-render (a new message) keeps focus on the conversation it was on.
    const focused = root.activeElement?.getAttribute('data-id')
    current = undefined
    thread = undefined
    const view = listView(tx, conversations, { open: openThread, start: newConversation })
    show(view, 'list')
    if (focused) view.querySelector<HTMLElement>(`[data-id="${CSS.escape(focused)}"]`)?.focus()
    else if (focus) focusFirst(view)
  }

  function newConversation() {
    current = undefined
    thread = undefined
    const view = config.online
      ? prechatView(tx, { name: who().name, ...prechat }, (answers) => {
          prechat = answers
          void openThread(null)
        })
      : offlineView(tx, { name: who().name }, submitTicket)
    show(view, 'form')
    focusFirst(view)
  }

  async function submitTicket(request: OfflineRequest) {
    try {
      return (await api.post<{ number: number }>('/v1/widget/tickets', request)).number
    } catch (e) {
      fail(e)
      return undefined
    }
  }

  /** Shows a thread; `shown` are messages to show at once, before its history loads (no empty flash). */
  async function openThread(id: string | null, shown: Message[] = []) {
    const conversation = conversations.find((c) => c.id === id)
    current = id
    const view = threadView(
      tx,
      { me: visitorId, base: embed.apiBase, maxLength: id ? 10_000 : 4_000, closed: conversation?.status === 'closed' },
      {
        back: showList,
        send,
        older: () => id && void loadOlder(id, view),
        retry: (message) => void deliver({ ...message, text: message.text ?? '' }, current ?? null, view),
        typed: () => id && link?.typed(id),
        upload,
      },
    )
    thread = view
    if (shown.length) view.set(shown)
    show(view.el, 'thread')
    view.focus()
    if (id) await load(id, view)
  }

  // The seq of the oldest message shown in the open thread (where "earlier messages" continues).
  let oldest: number | undefined

  async function loadOlder(id: string, view: NonNullable<typeof thread>) {
    if (oldest === undefined) return
    try {
      const page = await api.get<{ items: Message[]; hasMore: boolean }>(`/v1/conversations/${id}/messages?before=${oldest}`)
      if (thread !== view) return
      view.prepend(page.items, page.hasMore)
      oldest = page.items[0]?.seq ?? oldest
    } catch (e) {
      fail(e)
    }
  }

  async function load(id: string, view: NonNullable<typeof thread>) {
    try {
      const page = await api.get<{ items: Message[]; lastSeq: number; hasMore: boolean }>(`/v1/conversations/${id}/messages`)
      if (thread !== view) return
      view.set(page.items)
      view.setMore(page.hasMore)
      oldest = page.items[0]?.seq
      markRead(id, page.lastSeq)
    } catch (e) {
      fail(e)
    }
  }

  function markRead(id: string, seq: number) {
    const conversation = conversations.find((c) => c.id === id)
    if (conversation) conversation.unreadCount = 0
    setUnread()
    api.post(`/v1/conversations/${id}/read`, { seq }).catch(() => {})
  }

  async function send(text: string, files: FileView[]) {
    const id = current
    const view = thread
    if (id === undefined || !view) return
    const clientMessageId = newId()
    const pending: Shown = {
      id: clientMessageId,
      conversationId: id ?? '',
      seq: Number.MAX_SAFE_INTEGER,
      senderId: visitorId ?? null,
      clientMessageId,
      kind: 'text',
      text,
      attachments: files,
      createdAt: new Date().toISOString(),
      state: 'sending',
    }
    await deliver(pending, id, view)
  }

  /** Sends a message shown as pending; a retry sends it again with the same clientMessageId (never twice on the server). */
  async function deliver(pending: Shown, id: string | null, view: NonNullable<typeof thread>) {
    const { clientMessageId, text } = pending
    const files = pending.attachments
    view.upsert({ ...pending, state: 'sending' })
    try {
      const attachmentIds = files.length ? files.map((file) => file.id) : undefined
      if (id) {
        link?.stopTyping(id)
        view.upsert(await api.post<Message>(`/v1/conversations/${id}/messages`, { clientMessageId, text, attachmentIds }))
        return
      }
      // The first message makes the conversation (with the pre-chat answers); then it is an ordinary thread.
      const { conversation } = await api.post<{ conversation: WidgetConversation }>('/v1/widget/conversations', {
        text,
        clientMessageId,
        attachmentIds,
        ...prechat,
      })
      await refreshList()
      if (thread === view) await openThread(conversation.id, conversation.lastMessage ? [conversation.lastMessage] : [])
    } catch (e) {
      view.upsert({ ...pending, state: 'failed' })
      fail(e)
    }
  }

  async function upload(file: File) {
    const body = new FormData()
    body.append('file', file)
    try {
      return await api.post<FileView>('/v1/uploads', body)
    } catch (e) {
      fail(e)
      return undefined
    }
  }

  function received(message: Message) {
    const mine = message.senderId === visitorId
    if (current === message.conversationId && thread) {
      thread.upsert(message)
      if (!mine) thread.setTyping(false)
    }
    const conversation = conversations.find((c) => c.id === message.conversationId)
    // A conversation this page does not know yet (started in another tab): list them again.
    if (!conversation) return void refreshList().catch(() => {})
    conversation.lastMessage = message
    conversation.lastMessageAt = message.createdAt
    conversations = [conversation, ...conversations.filter((c) => c !== conversation)]
    if (!mine && !panel.el.hidden && current === message.conversationId) markRead(message.conversationId, message.seq)
    else if (!mine) conversation.unreadCount++
    setUnread()
    if (screen === 'list') showList(false)
  }

  function typing(event: TypingEvent) {
    if (event.userId === visitorId || event.conversationId !== current || !thread) return
    thread.setTyping(event.typing)
    clearTimeout(typingTimer)
    // Typing expires by itself: an agent who vanishes mid-word does not stay "typing" for ever.
    if (event.typing) typingTimer = setTimeout(() => thread?.setTyping(false), event.expiresInMs)
  }

  function reconnected() {
    refreshList().catch(() => {})
    if (current && thread) void load(current, thread)
  }

  async function home() {
    panel.show(h('p', { class: 'pad note', role: 'status' }, tx.t('loading')))
    try {
      // The online light may have changed since the page loaded: it decides chat or the offline form.
      const [fresh] = await Promise.all([api.config<WidgetConfig>(), start()])
      config.online = fresh.online
      panel.setOnline(fresh.online)
    } catch (e) {
      panel.show(h('div'))
      return fail(e)
    }
    if (conversations.length) showList()
    else newConversation()
  }

  function open() {
    if (!panel.el.hidden) return
    panel.el.hidden = false
    launcher.setExpanded(true)
    // Back where the visitor left it; the first time (or after an error) from the start.
    if (!screen || !session) {
      panel.close.focus()
      return void home()
    }
    if (thread) {
      thread.focus()
      if (current) markRead(current, conversations.find((c) => c.id === current)?.lastMessage?.seq ?? 0)
    } else focusFirst(panel.el.querySelector('.body') ?? panel.el)
  }

  function close() {
    if (panel.el.hidden) return
    const hadFocus = root.activeElement !== null
    if (current) link?.stopTyping(current)
    panel.el.hidden = true
    launcher.setExpanded(false)
    if (hadFocus) launcher.el.focus()
  }

  /** A new identity (window.Caravan.identify): another visitor, so everything starts again. */
  function reset() {
    link?.close()
    link = undefined
    session = undefined
    conversations = []
    screen = undefined
    thread = undefined
    current = undefined
    setUnread()
    if (!panel.el.hidden) void home()
    else if (api.hasToken()) start().catch(() => {})
  }

  // A returning visitor's session resumes at once (unread badge, live messages); a new one is
  // made only when the panel opens, so page views that never chat create no visitors.
  if (api.hasToken()) start().catch(() => {})
  return { open, close, reset }
}

/** Styles as a constructed sheet where supported: unlike a <style> element, the page's CSP style-src does not block it. */
function adoptStyles(root: ShadowRoot) {
  try {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    root.adoptedStyleSheets = [sheet]
  } catch {
    root.append(h('style', null, css))
  }
}
