import { useEffect } from 'react'

/** True while the person is typing somewhere, where "/" is a character and not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
}

/**
 * "/" moves focus to the page's search field: an element marked `data-page-search`, else the
 * first search input of the page. Not while typing, and not behind an open dialog or drawer.
 */
export function usePageSearchHotkey() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // By code as well: on a Persian keyboard that key may type another character.
      const slash = event.key === '/' || (event.code === 'Slash' && !event.shiftKey)
      if (!slash || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isTyping(event.target)) return
      if (document.querySelector('[aria-modal="true"], dialog[open]')) return
      const field =
        document.querySelector<HTMLElement>('main [data-page-search]') ?? document.querySelector<HTMLElement>('main input[type="search"]')
      if (!field) return
      event.preventDefault()
      field.focus()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])
}
