// A tiny router on the History API: the current path as React state, navigate(), <Link>.
// Enough for this app; the route table is in router.tsx.
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

const listeners = new Set<() => void>()
const notify = () => {
  for (const listener of listeners) listener()
}

/**
 * Asked before the app leaves the current path (a query change on the same path is not leaving).
 * Returns true to hold the navigation; it then calls `proceed` to go after all (e.g. once the
 * user confirms). Registered with useNavigationBlocker.
 */
export type NavigationBlocker = (proceed: () => void) => boolean
const blockers = new Set<NavigationBlocker>()
/** The href the app shows: where Back or Forward is undone to when a blocker holds it. */
let shown = location.pathname + location.search

const pathOf = (href: string) => new URL(href, location.origin).pathname
const held = (proceed: () => void) => [...blockers].some((blocker) => blocker(proceed))

window.addEventListener('popstate', () => {
  const to = location.pathname + location.search
  if (pathOf(to) !== pathOf(shown) && held(() => go(to, false))) {
    // The browser has already moved: put the shown page's URL back until the user decides.
    history.pushState(null, '', shown)
    return
  }
  shown = to
  notify()
})

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (to === location.pathname + location.search) return
  if (pathOf(to) !== location.pathname && held(() => go(to, options.replace))) return
  go(to, options.replace)
}

function go(to: string, replace?: boolean) {
  history[replace ? 'replaceState' : 'pushState'](null, '', to)
  shown = location.pathname + location.search
  notify()
}

/** Holds navigation away from the current path while `blocker` is set (see NavigationBlocker). */
export function useNavigationBlocker(blocker: NavigationBlocker | null) {
  const latest = useRef(blocker)
  useLayoutEffect(() => {
    latest.current = blocker
  })
  const active = blocker !== null
  useEffect(() => {
    if (!active) return
    const registered: NavigationBlocker = (proceed) => latest.current?.(proceed) ?? false
    blockers.add(registered)
    return () => {
      blockers.delete(registered)
    }
  }, [active])
}

/** The current path and query, e.g. "/console/users?q=ali". */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    () => {
      // What is rendered is what is shown (also after a history change made outside navigate()).
      shown = location.pathname + location.search
      return shown
    },
  )
  const url = new URL(href, location.origin)
  return { pathname: url.pathname, search: url.searchParams }
}

/** Only same-site paths, so ?next= cannot send anyone to another site. */
export function safePath(value: string | null, fallback = '/'): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }

export function Link({ to, onClick, ...rest }: LinkProps) {
  const { pathname } = useLocation()
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event)
    // Let the browser handle new-tab clicks and modified clicks.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(to)
  }
  return <a href={to} onClick={handleClick} aria-current={pathname === to ? 'page' : undefined} {...rest} />
}

export function Redirect({ to }: { to: string }) {
  useLayoutEffect(() => navigate(to, { replace: true }), [to])
  return null
}
