// A value that follows another once it has stopped changing: live previews and searches ask the
// server when the typing pauses, not at every key.
import { useEffect, useState } from 'react'

/** `value`, once it has not changed for `ms`. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return settled
}
