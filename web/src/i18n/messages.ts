// The dictionaries load on demand, one chunk per language: the first page carries only the
// language it shows (main.tsx loads it before the first render), and a switch loads the other.
import type { Locale } from '@caravan/sdk'
import type { MessageKey, Messages } from './en'

const loaders: Record<Locale, () => Promise<Messages>> = {
  en: () => import('./en').then((m) => m.en),
  fa: () => import('./fa').then((m) => m.fa),
}
const loaded: Partial<Record<Locale, Messages>> = {}

/** The language's messages if they are here already. */
export const loadedMessages = (locale: Locale): Messages | undefined => loaded[locale]

export async function loadMessages(locale: Locale): Promise<Messages> {
  return (loaded[locale] ??= await loaders[locale]())
}

/** Any loaded dictionary: every language has exactly the same keys (the type Messages says so). */
function someDictionary(): Messages {
  const any = loaded.en ?? loaded.fa
  if (!any) throw new Error('no dictionary loaded yet (main.tsx loads one before rendering)')
  return any
}

/** Whether a key made at run time (`auditAction.${action}`) is one of ours. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(someDictionary(), key)
}

/** The keys that start with `prefix`, e.g. every `auditAction.*`. */
export function messageKeys(prefix: string): MessageKey[] {
  return Object.keys(someDictionary()).filter((key): key is MessageKey => key.startsWith(prefix))
}
