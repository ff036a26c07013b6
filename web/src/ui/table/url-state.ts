// A list's view (filters, sort) lives in the URL query, so a link or a reload shows the same view.
// Values equal to their default are left out, so a plain page has a plain URL.
import { useMemo } from 'react'
import { navigate, useLocation } from '../../navigation'

type Validators<T> = { [K in keyof T]?: (value: string) => boolean }

/**
 * The query values named by `defaults` (a missing or invalid one reads as its default), and a
 * setter that merges a change into the URL with replace (filtering is not a step for Back).
 * Other query values are kept.
 */
export function useUrlState<T extends Record<string, string>>(defaults: T, valid: Validators<T> = {}): [T, (patch: Partial<T>) => void] {
  const { search } = useLocation()
  const query = search.toString()
  // Keyed by content: callers pass object literals, which are new on every render.
  const defaultsKey = JSON.stringify(defaults)
  const state = useMemo(() => {
    const params = new URLSearchParams(query)
    const read = {} as Record<string, string>
    for (const key of Object.keys(defaults)) {
      const value = params.get(key)
      read[key] = value !== null && (valid[key]?.(value) ?? true) ? value : defaults[key]
    }
    return read as T
    // eslint-disable-next-line react-hooks/exhaustive-deps -- defaults and valid are read by content (defaultsKey)
  }, [query, defaultsKey])

  const set = (patch: Partial<T>) => {
    // From the live URL, so two changes in one event both land.
    const params = new URLSearchParams(window.location.search)
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || value === defaults[key]) params.delete(key)
      else params.set(key, value)
    }
    const next = params.toString()
    navigate(window.location.pathname + (next ? `?${next}` : ''), { replace: true })
  }
  return [state, set]
}
