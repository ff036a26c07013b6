// Templates are LiquidJS: sandboxed (own properties only, no file system, render limits) and,
// for email HTML, auto-escaped. Plain-text outputs (SMS, push, email text, in-app) are not escaped.
// Every render is bounded (time, allocations, output size), and its links are made safe
// (safe-links.ts), for real sends and previews alike.
import { CaptureTag, Context, toPromise, toValue, type Emitter, type Template } from 'liquidjs'
import { LIQUID_LIMITS, sandboxedLiquid } from '../../core/text/liquid'
import { AppError } from '../../core/http/errors'
import { toPersianDigits } from '../../core/money/currency'
import type { NotifyChannel } from './tables'
import { emailLayout } from './email-layout'
import { isLinkKey, isSafeUrl, sanitizeHtmlLinks } from './safe-links'
import { formatDate, formatDateTime, formatMoney, formatNumber, type FormatScope, type IrrDisplay } from './template-filters'

/** Output caps, in UTF-8 bytes: a rendered field, and all fields of one message together. */
export const OUTPUT_LIMITS = { fieldBytes: 256 * 1024, messageBytes: 1024 * 1024 }

const LIMITS = LIQUID_LIMITS
const htmlEngine = sandboxedLiquid({ escape: true })
const textEngine = sandboxedLiquid()

/** Thrown by a capped emitter; `limit` names the cap that was hit. */
class OutputTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the output is larger than ${formatBytes(limit)}`)
  }
}

function formatBytes(bytes: number) {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} kB`
}

/** Liquid's limit errors in words; any other failure as Liquid tells it. */
function renderFailure(error: unknown): string {
  const message = firstLine(error)
  if (message.startsWith('template render limit exceeded')) return `takes longer than ${LIMITS.renderLimit} ms to render`
  if (message.startsWith('memory alloc limit exceeded'))
    return 'builds more than the memory limit allows (a range, loop or filter too large)'
  return `cannot be rendered: ${message}`
}

/** What Liquid's own emitter writes for a value (strings, numbers, arrays, drops). */
function stringify(value: unknown): string {
  const v = toValue(value)
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return ''
  if (Array.isArray(v)) return v.map(stringify).join('')
  return String(v)
}

/**
 * Liquid's string emitter with a cap: it refuses a write that would pass `limit` bytes before
 * concatenating, so a loop of large values fails at the cap instead of building hundreds of MB.
 */
class CappedEmitter implements Emitter {
  buffer = ''
  bytes = 0
  constructor(readonly limit: number) {}
  write(html: unknown) {
    const text = stringify(html)
    // UTF-8 is never shorter than UTF-16 code units: check the length before measuring, so an
    // oversized value (possibly a lazily concatenated one) is never flattened.
    if (this.bytes + text.length > this.limit) throw new OutputTooLarge(this.limit)
    const bytes = Buffer.byteLength(text)
    if (this.bytes + bytes > this.limit) throw new OutputTooLarge(this.limit)
    this.bytes += bytes
    this.buffer += text
  }
}

// {% capture %} renders into an emitter of its own; cap it like a field and count what it keeps
// against the memory limit, so captures cannot grow strings the field cap never sees.
class CappedCaptureTag extends CaptureTag {
  override *render(ctx: Context): Generator<unknown, void, string> {
    const emitter = new CappedEmitter(OUTPUT_LIMITS.fieldBytes)
    yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter)
    ctx.memoryLimit.use(emitter.buffer.length)
    ctx.bottom()[this.variable] = emitter.buffer
  }
}

/** The recipient's locale, time zone and money display of each render, for the localized filters. */
const formats = new WeakMap<Context, FormatScope>()
type Filter = { context: Context }
const formatOf = (filter: Filter): FormatScope => formats.get(filter.context) ?? { locale: 'en', timezone: 'UTC', irr: 'toman' }

for (const engine of [htmlEngine, textEngine]) {
  engine.registerFilter('fa_digits', (value: unknown) => toPersianDigits(String(value ?? '')))
  // Liquid's own `date` takes a strftime format ("%Y-%m-%d"); without one, or with a style
  // ("short", "long"…), it writes the date in the recipient's calendar and time zone.
  const strftime = engine.filters.date
  const strftimeHandler = typeof strftime === 'function' ? strftime : strftime.handler
  engine.registerFilter('date', function (this: Filter, value: unknown, format?: unknown, ...rest: unknown[]) {
    if (typeof format === 'string' && format.includes('%')) return strftimeHandler.call(this as never, value, format, ...rest)
    return formatDate(value, formatOf(this), format)
  })
  engine.registerFilter('datetime', function (this: Filter, value: unknown, style?: unknown) {
    return formatDateTime(value, formatOf(this), style)
  })
  engine.registerFilter('number', function (this: Filter, value: unknown, decimals?: number) {
    return formatNumber(value, formatOf(this), decimals)
  })
  engine.registerFilter('money', function (this: Filter, value: unknown, currency?: unknown) {
    return formatMoney(value, currency, formatOf(this))
  })
  engine.registerTag('capture', CappedCaptureTag)
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
  user: {
    name: string | null
    email: string | null
    locale: string
    /** Dates in templates are written in this zone (the recipient's); UTC when not given. */
    timezone?: string
    externalId?: string | null
    attributes?: Record<string, unknown>
  }
  brand: { name: string; url: string }
  /** IRR amounts in toman (the default) or rial, for the `money` filter. */
  irr?: IrrDisplay
  /** After a workflow's digest step: the data of each notification it collected, and how many. */
  digest?: { events: Record<string, unknown>[]; count: number }
}

/**
 * Renders a channel's content with the data under the limits above (a 422 naming the field when
 * one is passed), makes its links safe, and puts email HTML into the shared (RTL-aware) layout.
 */
export async function renderTemplate(channel: NotifyChannel, content: TemplateContent, context: RenderContext): Promise<TemplateContent> {
  const scope = {
    ...context.data,
    data: context.data,
    user: context.user,
    brand: context.brand,
    locale: context.locale,
    ...(context.digest ? { events: context.digest.events, count: context.digest.count } : {}),
  }
  const spec = TEMPLATE_FIELDS[channel]
  let limiters: Pick<Context, 'memoryLimit' | 'renderLimit'> | undefined // one time and memory budget per message
  let messageBytes = 0
  const render = async (field: string, source: string): Promise<string> => {
    const engine = spec.html.includes(field.split('.')[0]) ? htmlEngine : textEngine
    const remaining = OUTPUT_LIMITS.messageBytes - messageBytes
    const emitter = new CappedEmitter(Math.min(OUTPUT_LIMITS.fieldBytes, remaining))
    try {
      const templates: Template[] = engine.parse(source)
      const ctx = new Context(scope, engine.options, {}, { liquid: engine, ...limiters })
      formats.set(ctx, { locale: context.locale, timezone: context.user.timezone ?? 'UTC', irr: context.irr ?? 'toman' })
      limiters ??= { memoryLimit: ctx.memoryLimit, renderLimit: ctx.renderLimit }
      await toPromise(engine.renderer.renderTemplates(templates, ctx, emitter))
    } catch (e) {
      const tooLarge = e instanceof OutputTooLarge ? e : (e as { originalError?: unknown })?.originalError
      const message =
        tooLarge instanceof OutputTooLarge
          ? tooLarge.limit < OUTPUT_LIMITS.fieldBytes
            ? `the message is larger than ${formatBytes(OUTPUT_LIMITS.messageBytes)}`
            : `renders to more than ${formatBytes(tooLarge.limit)}`
          : renderFailure(e)
      throw new AppError('unprocessable', `Rendering ${channel}.${field} failed: ${message}`, {
        errors: [{ field: `content.${field}`, message }],
      })
    }
    messageBytes += emitter.bytes
    return emitter.buffer.trim()
  }
  const out: TemplateContent = {}
  // Field by field, in order: the fields share the message's output, time and memory budgets.
  for (const [field, value] of Object.entries(content)) {
    if (typeof value === 'string') out[field] = await render(field, value)
    else {
      const map: Record<string, string> = {}
      for (const [key, source] of Object.entries(value)) map[key] = await render(`${field}.${key}`, source)
      out[field] = map
    }
  }
  return withSafeLinks(channel, out, context)
}

/** Links that are not http, https, mailto, tel or relative: replaced in email HTML, dropped elsewhere. */
function withSafeLinks(channel: NotifyChannel, out: TemplateContent, context: RenderContext): TemplateContent {
  if (channel === 'email') {
    const html = emailLayout({ locale: context.locale, subject: String(out.subject), bodyHtml: String(out.html), brand: context.brand })
    out.html = sanitizeHtmlLinks(html)
  }
  if (channel === 'in_app' && typeof out.actionUrl === 'string' && !isSafeUrl(out.actionUrl)) delete out.actionUrl
  if (channel === 'push' && out.data && typeof out.data === 'object') {
    out.data = Object.fromEntries(Object.entries(out.data).filter(([key, value]) => !isLinkKey(key) || isSafeUrl(value)))
  }
  return out
}
