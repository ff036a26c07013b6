// A tiny element builder for the scripts other sites embed (the chat widget, the inbox): no
// framework, and text always goes in as text nodes, so nothing anyone writes is parsed as HTML.
type Attrs = Record<string, string | number | boolean | null | undefined>
type Child = Node | string | false | null | undefined

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === true) el.setAttribute(name, '')
    else if (value !== false && value != null) el.setAttribute(name, String(value))
  }
  for (const child of children) if (child) el.append(child)
  return el
}

let counter = 0
/** An id unique within the page, for label/aria references. */
export const uid = (prefix: string) => `cw-${prefix}-${++counter}`

/** The first control in `root` a keyboard user would reach. */
export function focusFirst(root: ParentNode) {
  root
    .querySelector<HTMLElement>('button:not([disabled]), input:not([type=hidden]):not([hidden]), textarea, a[href], [tabindex="-1"]')
    ?.focus()
}

/** A labelled input or textarea: a visible <label> tied to it by id. */
export function field<K extends 'input' | 'textarea'>(tag: K, label: string, attrs: Attrs = {}) {
  const control = h(tag, { ...attrs, id: uid('field') })
  return { control, el: h('div', { class: 'field' }, h('label', { for: control.id }, label), control) }
}
