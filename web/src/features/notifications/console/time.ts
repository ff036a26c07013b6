// Wall-clock times typed in a <input type="datetime-local"> are in the user's profile time zone,
// which may not be the browser's: convert them to instants with that zone's offset.

/** Milliseconds `timeZone` is ahead of UTC at the instant `utc`. */
function offsetAt(utc: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utc))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(utc / 1000) * 1000
}

/** "2026-03-21T08:30" in `timeZone` → an ISO instant; undefined when the text is not such a time. */
export function zonedToIso(local: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local)
  if (!m) return undefined
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  // Twice: the offset at the guessed instant may differ from the one at the wall time (DST edges).
  let utc = wall - offsetAt(wall, timeZone)
  utc = wall - offsetAt(utc, timeZone)
  return new Date(utc).toISOString()
}
