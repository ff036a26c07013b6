// Icons for the embedded scripts, as inline SVG built from path data (no markup parsing, no image
// requests), and buttons that show only one.
import { h } from './dom'

const NS = 'http://www.w3.org/2000/svg'

export function icon(d: string) {
  const svg = document.createElementNS(NS, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('width', '20')
  svg.setAttribute('height', '20')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('focusable', 'false')
  const path = document.createElementNS(NS, 'path')
  path.setAttribute('d', d)
  path.setAttribute('fill', 'currentColor')
  svg.append(path)
  return svg
}

/** A button showing only an icon: its name is its aria-label. */
export function iconButton(svg: SVGElement, label: string, extra = '') {
  const button = h('button', { type: 'button', class: `icon ${extra}`.trim(), 'aria-label': label })
  button.append(svg)
  return button
}
