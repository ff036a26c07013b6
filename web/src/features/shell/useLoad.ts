import type { CaravanError } from '@caravan/sdk'
import { useCallback, useEffect, useRef, useState } from 'react'
import { asCaravanError } from './form'

/** Loads data for a page; reload() fetches again, update() edits the loaded value in place. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<{ data?: T; error?: CaravanError; loading: boolean }>({ loading: true })
  const [version, setVersion] = useState(0)
  // The latest `load` is used, but only `deps` (compared by value) and reload() fetch again.
  const loadRef = useRef(load)
  useEffect(() => {
    loadRef.current = load
  })
  const key = JSON.stringify(deps)
  useEffect(() => {
    let current = true
    setState((s) => ({ data: s.data, loading: true }))
    loadRef.current().then(
      (data) => {
        if (current) setState({ data, loading: false })
      },
      (e) => {
        if (current) setState({ error: asCaravanError(e), loading: false })
      },
    )
    return () => {
      current = false
    }
  }, [key, version])
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  const update = useCallback((change: (data: T) => T) => setState((s) => (s.data === undefined ? s : { ...s, data: change(s.data) })), [])
  return { ...state, reload, update }
}
