// What the template editor knows about templates: each channel's fields (the server's
// TEMPLATE_FIELDS), drafts as text, and the server's field errors in the reader's language.
import type { CaravanError, Locale, NotificationChannel, TemplateContent } from '@caravan/sdk'
import type { MessageKey, Translate } from '../../../i18n'

/** line: one-line input · text: textarea · html: textarea of HTML · json: textarea of a JSON object of strings. */
export type FieldKind = 'line' | 'text' | 'html' | 'json'
export interface TemplateField {
  name: string
  kind: FieldKind
  required: boolean
}

export const TEMPLATE_FIELDS: Record<NotificationChannel, TemplateField[]> = {
  email: [
    { name: 'subject', kind: 'line', required: true },
    { name: 'html', kind: 'html', required: true },
    { name: 'text', kind: 'text', required: true },
  ],
  sms: [{ name: 'text', kind: 'text', required: true }],
  push: [
    { name: 'title', kind: 'line', required: true },
    { name: 'body', kind: 'text', required: true },
    { name: 'data', kind: 'json', required: false },
  ],
  in_app: [
    { name: 'title', kind: 'line', required: true },
    { name: 'body', kind: 'text', required: true },
    { name: 'actionUrl', kind: 'line', required: false },
  ],
}

/** A template being edited: every field as text (push `data` as JSON). */
export type Draft = Record<string, string>

export function draftOf(channel: NotificationChannel, content?: TemplateContent): Draft {
  const draft: Draft = {}
  for (const field of TEMPLATE_FIELDS[channel]) {
    const value = content?.[field.name]
    draft[field.name] = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2)
  }
  return draft
}

export const isBlank = (draft: Draft | undefined) => !draft || Object.values(draft).every((v) => v.trim() === '')
/** No field of the channel's template is filled (a draft may hold another channel's fields too). */
export const isBlankFor = (channel: NotificationChannel, draft: Draft | undefined) =>
  TEMPLATE_FIELDS[channel].every((f) => (draft?.[f.name] ?? '').trim() === '')
export const sameDraft = (a: Draft | undefined, b: Draft | undefined) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {})

/** Parses a JSON object; null when the text is not one (`strings`: every value must be a string). */
export function parseObject(text: string, strings = false): Record<string, any> | null {
  try {
    const value = JSON.parse(text)
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null
    if (strings && !Object.values(value).every((v) => typeof v === 'string')) return null
    return value
  } catch {
    return null
  }
}

/** The draft as template content; `invalid` names the fields that cannot be sent as they are (bad JSON). */
export function contentOf(channel: NotificationChannel, draft: Draft): { content: TemplateContent; invalid: string[] } {
  const content: TemplateContent = {}
  const invalid: string[] = []
  for (const field of TEMPLATE_FIELDS[channel]) {
    const value = draft[field.name] ?? ''
    if (!field.required && value.trim() === '') continue
    if (field.kind === 'json') {
      const parsed = parseObject(value, true)
      if (parsed) content[field.name] = parsed
      else invalid.push(field.name)
    } else {
      content[field.name] = value
    }
  }
  return { content, invalid }
}

/** The server's errors by template field: `content.html` → html, `content.data.url` → data. */
export function templateErrors(error: CaravanError | null | undefined): Record<string, string> {
  const byField: Record<string, string> = {}
  for (const e of error?.errors ?? []) {
    const parts = e.field.replace(/^body\./, '').split('.')
    if (parts[0] === 'content' && parts[1] && !(parts[1] in byField)) byField[parts[1]] = e.message
  }
  return byField
}

/**
 * A server message about a template field, in words: "syntax error on line 2, column 5: ..."
 * becomes a translated sentence with the line and column; the engine's own words (technical,
 * in English) are kept apart as `detail` for the reader who wants them.
 */
export function templateErrorMessage(t: Translate, message: string): { text: string; detail?: string } {
  const located = /^syntax error on line (\d+), column (\d+):\s*(.*)$/.exec(message)
  if (located)
    return { text: t('editor.syntaxError', { line: Number(located[1]), column: Number(located[2]) }), detail: located[3] || undefined }
  if (message.startsWith('syntax error'))
    return { text: t('editor.syntaxErrorNoLine'), detail: message.replace(/^syntax error:?\s*/, '') || undefined }
  if (message === 'is required') return { text: t('editor.required') }
  // The server's render limits (output size, time, memory): the limit itself stays as detail.
  if (/^(renders to more than|the message is larger than|takes longer than|builds more than)/.test(message))
    return { text: t('editor.renderLimit'), detail: message }
  return { text: t('fieldError.generic'), detail: message }
}

/** A field's label: the e-mail's text is its plain-text version, the SMS's text its message. */
export function fieldLabel(channel: NotificationChannel, name: string): MessageKey {
  if (channel === 'email' && name === 'text') return 'editor.field.textVersion'
  if (channel === 'sms' && name === 'text') return 'editor.field.message'
  return `editor.field.${name}` as MessageKey
}

export function fieldHint(channel: NotificationChannel, name: string): MessageKey | undefined {
  if (channel === 'email' && name === 'html') return 'editor.hint.html'
  if (name === 'data') return 'editor.hint.data'
  if (name === 'actionUrl') return 'editor.hint.actionUrl'
  return undefined
}

/** Code (HTML, JSON, addresses) reads left to right; words follow the template's language. */
export const fieldDir = (field: TemplateField, locale: Locale): 'ltr' | 'rtl' =>
  field.kind === 'html' || field.kind === 'json' || field.name === 'actionUrl' ? 'ltr' : locale === 'fa' ? 'rtl' : 'ltr'

/** What is wrong with a field's text as typed (empty while `required`, JSON that is not an object of strings), or null. */
export function templateFieldError(t: Translate, field: TemplateField, value: string, required: boolean): string | null {
  if (required && value.trim() === '') return t('editor.required')
  if (field.kind === 'json' && value.trim() !== '' && !parseObject(value, true)) return t('editor.dataInvalid')
  return null
}
