// Load generation with autocannon: a discarded warm-up, the measurement, then a pause that lets
// the server finish what it had started before the next measurement begins.
import autocannon from 'autocannon'

export interface LoadSettings {
  connections: number
  durationSeconds: number
  warmupSeconds: number
}

/**
 * autocannon stops by closing its sockets, but the server still finishes the requests it had
 * started (50 registrations are about 2 s of Argon2 work). Waiting out the slowest latency seen
 * keeps that leftover work out of the next measurement and out of the shutdown.
 */
export async function settle(result: autocannon.Result): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.min(result.latency.max, 10_000) + 250))
}

/**
 * A short discarded run first (when warmupSeconds > 0), so JIT warm-up and pool connects do not
 * count. `around` is called right before and right after the measured run (e.g. to read CPU time).
 */
export async function measure(
  settings: LoadSettings,
  options: autocannon.Options,
  around?: { before?: () => void; after?: () => void },
): Promise<autocannon.Result> {
  // 30 s, not autocannon's 10 s: requests queued behind CPU-heavy work wait seconds on a small or
  // busy machine, and that is slowness to report, not a failure.
  const base = { connections: settings.connections, timeout: 30, ...options }
  if (settings.warmupSeconds > 0) await settle(await autocannon({ ...base, duration: settings.warmupSeconds }))
  around?.before?.()
  const result = await autocannon({ ...base, duration: settings.durationSeconds })
  around?.after?.()
  await settle(result)
  return result
}

/** Status code → count, from autocannon's statusCodeStats. */
export function statusCounts(r: autocannon.Result): Record<string, number> {
  return Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count: number }).count]))
}

export const jsonPost = { method: 'POST' as const, headers: { 'content-type': 'application/json' } }
