// One breaker per provider per node: after `threshold` transient failures in a row the provider
// is skipped for `openMs`, then one trial send decides whether it is back (half-open).
export interface Breaker {
  canTry(): boolean
  success(): void
  failure(): void
  readonly state: 'closed' | 'open' | 'half_open'
}

export function createBreaker(options: { threshold?: number; openMs?: number; now?: () => number } = {}): Breaker {
  const threshold = options.threshold ?? 5
  const openMs = options.openMs ?? 30_000
  const now = options.now ?? Date.now
  let failures = 0
  let openedAt: number | null = null
  let trialInFlight = false
  const state = (): Breaker['state'] => (openedAt === null ? 'closed' : now() - openedAt >= openMs ? 'half_open' : 'open')
  return {
    get state() {
      return state()
    },
    canTry() {
      const s = state()
      if (s === 'closed') return true
      if (s === 'half_open' && !trialInFlight) {
        trialInFlight = true
        return true
      }
      return false
    },
    success() {
      failures = 0
      openedAt = null
      trialInFlight = false
    },
    failure() {
      trialInFlight = false
      failures++
      if (state() === 'half_open' || failures >= threshold) {
        openedAt = now()
        failures = 0
      }
    },
  }
}
