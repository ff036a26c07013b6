// The snippet's settings, read from the widget's own <script> tag: the site token, optional locale
// and identity. The API is wherever the script came from.
import { isLocale, type Locale } from './i18n'
import type { Identity } from './types'

export interface Embed {
  site: string
  apiBase: string
  locale?: Locale
  identity?: Identity
  /** The visitor's name as the host knows it (data-user-name): sent with the session, filled into the pre-chat form. */
  name?: string
}

export function readEmbed(): Embed | undefined {
  // currentScript is null once the script has run (and in modules): fall back to the snippet's shape.
  const current = document.currentScript
  const script =
    current instanceof HTMLScriptElement && current.dataset.site ? current : document.querySelector<HTMLScriptElement>('script[data-site]')
  const data = script?.dataset
  if (!script || !data?.site) return undefined
  const locale = data.locale
  const { userId, userSignature, userName } = data
  return {
    site: data.site,
    apiBase: new URL(script.src, location.href).origin,
    locale: isLocale(locale) ? locale : undefined,
    identity: userId && userSignature ? { externalId: userId, signature: userSignature } : undefined,
    name: userName || undefined,
  }
}
