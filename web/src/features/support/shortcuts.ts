// The agent console's keyboard shortcuts, listed in its help dialog: j / k move between tickets,
// Enter opens the focused one, g then i goes to the inbox, r starts a reply, ? shows the list.
// Never while typing in a field, with a modifier held, or behind an open dialog.
import { useEffect, useRef } from 'react'

export type DeskAction = 'next' | 'previous' | 'inbox' | 'reply' | 'help'

/** How long "g" waits for its second key. */
export const SEQUENCE_MS = 1500

/** True while the person is typing somewhere: keys are characters there, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.getAttribute('role') === 'textbox'
}

/** The action for `key`, given the key before it when that started a sequence ("g"). */
export function deskAction(key: string, pending: string | null): { action: DeskAction | null; pending: string | null } {
  if (pending === 'g') return { action: key === 'i' ? 'inbox' : null, pending: null }
  switch (key) {
    case 'j':
      return { action: 'next', pending: null }
    case 'k':
      return { action: 'previous', pending: null }
    case 'r':
      return { action: 'reply', pending: null }
    case '?':
      return { action: 'help', pending: null }
    case 'g':
      return { action: null, pending: 'g' }
    default:
      return { action: null, pending: null }
  }
}

/** Runs `handlers[action]` for the page's shortcuts; an action without a handler lets the key be. */
export function useDeskShortcuts(handlers: Partial<Record<DeskAction, () => void>>) {
  const latest = useRef(handlers)
  useEffect(() => {
    latest.current = handlers
  })
  useEffect(() => {
    let pending: string | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isTypingTarget(event.target)) return
      if (document.querySelector('[aria-modal="true"], dialog[open], [role="dialog"], [role="alertdialog"]')) return
      const result = deskAction(event.key, pending)
      pending = result.pending
      clearTimeout(timer)
      if (pending) timer = setTimeout(() => (pending = null), SEQUENCE_MS)
      const run = result.action && latest.current[result.action]
      if (!run) return
      event.preventDefault()
      run()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => {
      clearTimeout(timer)
      document.removeEventListener('keydown', onKeyDown)
    }
  }, [])
}

/** Moves focus to the next or previous element of `items` from the one holding focus (the first when none does). */
export function moveFocus(items: HTMLElement[], step: 1 | -1) {
  if (!items.length) return
  const at = items.findIndex((el) => el === document.activeElement || el.contains(document.activeElement))
  const next = at === -1 ? (step === 1 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + step))
  items[next].focus()
  items[next].scrollIntoView({ block: 'nearest' })
}
