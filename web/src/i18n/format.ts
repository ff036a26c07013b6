// A tiny ICU MessageFormat subset for the string files: `{name}`, `{n, plural, =0 {…} one {# item}
// other {# items}}` and `{x, select, a {…} other {…}}`, nested freely. Enough for Persian and
// English without a MessageFormat library; apostrophe quoting and `offset:` are not supported.

export type MessageValues = Record<string, string | number>

type Part =
  string | { kind: 'arg'; name: string } | { kind: 'pound' } | { kind: 'plural' | 'select'; name: string; cases: Record<string, Part[]> }

export interface MessageFormatters {
  plural: Intl.PluralRules
  number: Intl.NumberFormat
  /** How a plain `{name}` value is shown (the app wraps it in Unicode isolates). */
  wrap?: (shown: string) => string
}

const cache = new Map<string, Part[]>()

/** Fills in a message; an unknown value leaves its `{name}` in place, so a slip shows, never throws. */
export function formatMessage(message: string, values: MessageValues | undefined, formatters: MessageFormatters): string {
  let parts = cache.get(message)
  if (!parts) {
    parts = parseMessage(message)
    cache.set(message, parts)
  }
  return render(parts, values ?? {}, formatters, undefined)
}

function render(parts: Part[], values: MessageValues, f: MessageFormatters, count: number | undefined): string {
  let out = ''
  for (const part of parts) {
    if (typeof part === 'string') out += part
    else if (part.kind === 'pound') out += count === undefined ? '#' : f.number.format(count)
    else if (part.kind === 'arg') {
      const v = values[part.name]
      if (v === undefined) out += `{${part.name}}`
      else {
        const shown = typeof v === 'number' ? f.number.format(v) : v
        out += f.wrap ? f.wrap(shown) : shown
      }
    } else if (part.kind === 'plural') {
      const n = Number(values[part.name])
      if (Number.isNaN(n)) {
        out += `{${part.name}}`
        continue
      }
      const chosen = part.cases[`=${n}`] ?? part.cases[f.plural.select(n)] ?? part.cases.other ?? []
      out += render(chosen, values, f, n)
    } else {
      const v = values[part.name]
      const chosen = (v !== undefined ? part.cases[String(v)] : undefined) ?? part.cases.other ?? []
      out += render(chosen, values, f, count)
    }
  }
  return out
}

/** Parses a whole message. Text that is not a well-formed placeholder stays literal text. */
export function parseMessage(message: string): Part[] {
  const parser = new Parser(message)
  const parts = parser.parts(false, false)
  return parser.pos === message.length ? parts : [message]
}

class Parser {
  pos = 0
  constructor(private readonly src: string) {}

  /** Reads parts until the end, or until an unmatched `}` when inside a case. */
  parts(inCase: boolean, inPlural: boolean): Part[] {
    const out: Part[] = []
    let text = ''
    const flush = () => {
      if (text) out.push(text)
      text = ''
    }
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos]
      if (ch === '}' && inCase) break
      if (ch === '#' && inPlural) {
        flush()
        out.push({ kind: 'pound' })
        this.pos++
      } else if (ch === '{') {
        const start = this.pos
        const placeholder = this.placeholder(inPlural)
        if (placeholder) {
          flush()
          out.push(placeholder)
        } else {
          // Not a placeholder we know: keep the brace as text and go on after it.
          this.pos = start + 1
          text += ch
        }
      } else {
        text += ch
        this.pos++
      }
    }
    flush()
    return out
  }

  private placeholder(inPlural: boolean): Part | null {
    this.pos++ // {
    const name = this.word()
    if (!name) return null
    this.space()
    if (this.eat('}')) return { kind: 'arg', name }
    if (!this.eat(',')) return null
    this.space()
    const kind = this.word()
    if (kind !== 'plural' && kind !== 'select') return null
    this.space()
    if (!this.eat(',')) return null
    const cases: Record<string, Part[]> = {}
    for (;;) {
      this.space()
      if (this.eat('}')) break
      const selector = this.selector()
      if (!selector) return null
      this.space()
      if (!this.eat('{')) return null
      // `#` means this plural's number inside its cases; a select passes the outer meaning on.
      cases[selector] = this.parts(true, kind === 'plural' || inPlural)
      if (!this.eat('}')) return null
    }
    return 'other' in cases ? { kind, name, cases } : null
  }

  private word(): string {
    const match = /^[\p{L}\p{N}_]+/u.exec(this.src.slice(this.pos))
    if (!match) return ''
    this.pos += match[0].length
    return match[0]
  }

  private selector(): string {
    if (this.eat('=')) {
      const match = /^-?\d+(\.\d+)?/.exec(this.src.slice(this.pos))
      if (!match) return ''
      this.pos += match[0].length
      return `=${Number(match[0])}`
    }
    return this.word()
  }

  private space() {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++
  }

  private eat(ch: string): boolean {
    if (this.src[this.pos] !== ch) return false
    this.pos++
    return true
  }
}
