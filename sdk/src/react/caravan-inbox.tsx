import { useEffect, useRef, type DetailedHTMLProps, type HTMLAttributes, type ReactElement } from 'react'
import type { Locale } from '../types.js'

/** The attributes of Caravan's <caravan-inbox> element (web/src/inbox-embed), as JSX takes them. */
export interface CaravanInboxElementAttributes extends DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> {
  'base-url'?: string
  'external-id'?: string
  signature?: string
  'preferences-url'?: string
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- augmenting React's own namespace
  namespace JSX {
    interface IntrinsicElements {
      'caravan-inbox': CaravanInboxElementAttributes
    }
  }
}

export interface CaravanInboxProps {
  /** Where Caravan is, e.g. https://caravan.example.com; the element's script is `${baseUrl}/inbox.js`. */
  baseUrl: string
  /** Your user's id in your product. */
  externalId: string
  /** Your server's identity signature for `externalId` (docs/integration.md). */
  signature: string
  /** Without it, the page's language (`<html lang>`). */
  lang?: Locale
  /** Your page where the user changes their notification settings. */
  preferencesUrl?: string
  /** Called with the unread count whenever it changes. */
  onUnread?: (count: number) => void
}

/** Adds the element's script to the page, once: not when the element is defined or a tag for it exists. */
function loadInboxScript(baseUrl: string) {
  if (customElements.get('caravan-inbox')) return
  const src = new URL(`${baseUrl.replace(/\/+$/, '')}/inbox.js`, document.baseURI).href
  if (Array.from(document.scripts).some((script) => script.src === src)) return
  const script = document.createElement('script')
  script.src = src
  script.async = true
  document.head.appendChild(script)
}

/** The count in a `caravan-inbox:unread` event's detail, if it has one. */
function unreadCount(event: Event): number | undefined {
  const detail: unknown = 'detail' in event ? event.detail : undefined
  return typeof detail === 'object' && detail !== null && 'count' in detail && typeof detail.count === 'number' ? detail.count : undefined
}

/** Caravan's inbox (a bell with its panel) for a user of your product; it draws and updates itself. */
export function CaravanInbox({ baseUrl, externalId, signature, lang, preferencesUrl, onUnread }: CaravanInboxProps): ReactElement {
  const ref = useRef<HTMLElement>(null)
  // In an effect, so that server rendering leaves the page alone.
  useEffect(() => loadInboxScript(baseUrl), [baseUrl])
  // By hand: React 18 does not subscribe custom elements' events from props (React 19 would).
  useEffect(() => {
    const element = ref.current
    if (!element || !onUnread) return
    const listener = (event: Event) => {
      const count = unreadCount(event)
      if (count !== undefined) onUnread(count)
    }
    element.addEventListener('caravan-inbox:unread', listener)
    return () => element.removeEventListener('caravan-inbox:unread', listener)
  }, [onUnread])
  return (
    <caravan-inbox
      ref={ref}
      base-url={baseUrl}
      external-id={externalId}
      signature={signature}
      lang={lang}
      preferences-url={preferencesUrl}
    />
  )
}
