// A tiny router on the History API: the current path as React state, navigate(), <Link>.
// Enough for this app; the route table is in router.tsx.
import { useLayoutEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

const listeners = new Set<() => void>()
const notify = () => {
  for (const listener of listeners) listener()
}
window.addEventListener('popstate', notify)

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (to === location.pathname + location.search) return
  history[options.replace ? 'replaceState' : 'pushState'](null, '', to)
  notify()
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
    () => location.pathname + location.search,
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
