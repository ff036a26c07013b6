// Templates are LiquidJS: sandboxed (own properties only, no file system, render limits) and,
// for email HTML, auto-escaped. Plain-text outputs (SMS, push, email text, in-app) are not escaped.
import { Liquid } from 'liquidjs'
import { AppError } from '../../core/http/errors'
import { toPersianDigits } from '../../core/money/currency'
import type { NotifyChannel } from './tables'
import { emailLayout } from './email-layout'

const LIMITS = { parseLimit: 100_000, renderLimit: 1_000, memoryLimit: 10_000_000 }
const base = {
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  cache: 200,
  relativeReference: false,
  templates: {} as Record<string, string>,
  ...LIMITS,
}
// `templates: {}` replaces the file system: {% include %} and {% render %} can reach nothing on disk.
const htmlEngine = new Liquid({ ...base, outputEscape: 'escape' })
const textEngine = new Liquid({ ...base })
for (const engine of [htmlEngine, textEngine]) {
  engine.registerFilter('fa_digits', (value: unknown) => toPersianDigits(String(value ?? '')))
}

/** The fields each channel's template has; a template must give the required ones. */
export const TEMPLATE_FIELDS: Record<NotifyChannel, { required: string[]; optional: string[]; html: string[] }> = {
  email: { required: ['subject', 'html', 'text'], optional: [], html: ['html'] },
  sms: { required: ['text'], optional: [], html: [] },
  push: { required: ['title', 'body'], optional: ['data'], html: [] },
  in_app: { required: ['title', 'body'], optional: ['actionUrl'], html: [] },
}

export type TemplateContent = Record<string, string | Record<string, string>>

function positionOf(error: unknown): { line?: number; column?: number } {
  const match = /line:(\d+), col:(\d+)/.exec(String((error as Error)?.message ?? ''))
  return match ? { line: Number(match[1]), column: Number(match[2]) } : {}
}

function firstLine(error: unknown) {
  return String((error as Error)?.message ?? error).split('\n')[0]
}

/** Parses every field; a syntax error is a 422 naming the field and the line. */
export function validateTemplate(channel: NotifyChannel, content: TemplateContent) {
  const spec = TEMPLATE_FIELDS[channel]
  const errors: { field: string; message: string }[] = []
  for (const field of spec.required) {
    if (typeof content[field] !== 'string' || (content[field] as string).trim() === '')
      errors.push({ field: `content.${field}`, message: 'is required' })
  }
  for (const field of Object.keys(content)) {
    if (![...spec.required, ...spec.optional].includes(field))
      errors.push({ field: `content.${field}`, message: `is not a ${channel} template field` })
  }
  if (errors.length) throw new AppError('validation', `A ${channel} template needs ${spec.required.join(', ')}`, { errors })
  for (const [field, value] of Object.entries(content)) {
    const sources =
      typeof value === 'string' ? { [field]: value } : Object.fromEntries(Object.entries(value).map(([k, v]) => [`${field}.${k}`, v]))
    for (const [name, source] of Object.entries(sources)) {
      if (typeof source !== 'string') {
        errors.push({ field: `content.${name}`, message: 'must be a string' })
        continue
      }
      try {
        ;(spec.html.includes(field) ? htmlEngine : textEngine).parse(source)
      } catch (e) {
        const { line, column } = positionOf(e)
        errors.push({
          field: `content.${name}`,
          message: line
            ? `syntax error on line ${line}, column ${column}: ${firstLine(e).replace(/, line:\d+, col:\d+/, '')}`
            : `syntax error: ${firstLine(e)}`,
        })
      }
    }
  }
  if (errors.length)
    throw new AppError('unprocessable', `The template does not compile: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, {
      errors,
    })
}

export interface RenderContext {
  locale: 'fa' | 'en'
  data: Record<string, unknown>
  user: { name: string | null; email: string; locale: string }
  brand: { name: string; url: string }
}

/** Renders a channel's content with the data; email HTML goes into the shared (RTL-aware) layout. */
export async function renderTemplate(channel: NotifyChannel, content: TemplateContent, context: RenderContext): Promise<TemplateContent> {
  const scope = { ...context.data, data: context.data, user: context.user, brand: context.brand, locale: context.locale }
  const spec = TEMPLATE_FIELDS[channel]
  const out: TemplateContent = {}
  for (const [field, value] of Object.entries(content)) {
    const engine = spec.html.includes(field) ? htmlEngine : textEngine
    try {
      if (typeof value === 'string') out[field] = (await engine.parseAndRender(value, scope)).trim()
      else
        out[field] = Object.fromEntries(
          await Promise.all(Object.entries(value).map(async ([k, v]) => [k, (await engine.parseAndRender(v, scope)).trim()])),
        )
    } catch (e) {
      throw new AppError('unprocessable', `Rendering ${channel}.${field} failed: ${firstLine(e)}`)
    }
  }
  if (channel === 'email') {
    out.html = emailLayout({ locale: context.locale, subject: String(out.subject), bodyHtml: String(out.html), brand: context.brand })
  }
  return out
}
