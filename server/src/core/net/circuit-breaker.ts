// One breaker per provider per node (per push service for Web Push): after `threshold` provider-
// level failures in a row the provider is skipped for `openMs`, then one trial send decides whether
// it is back (half-open). Every call made under the breaker ends its permit with what the call
// showed: the provider answered (even "this address is dead": it is up), the provider failed
// (timeout, 5xx, 429: counts toward opening), or no call was made after all (throttled): so a
// half-open trial always ends, whatever happens to it.
export type BreakerState = 'closed' | 'open' | 'half_open'
export type CallOutcome = 'up' | 'down' | 'unused'

export interface BreakerPermit {
  /** Ends the permit; only the first call counts. */
  end(outcome: CallOutcome): void
}

export interface Breaker {
  /** A permit to call the provider, or null while the circuit is open or its half-open trial is out. */
  tryAcquire(): BreakerPermit | null
  readonly state: BreakerState
  /** When the provider may be tried again (epoch ms) while the circuit is open; null otherwise. */
  readonly retryAt: number | null
  /** Closed with no failures counted: nothing to remember. */
  readonly idle: boolean
}

export interface BreakerOptions {
  threshold?: number
  openMs?: number
  /** A trial still out after this long is presumed lost (its worker died mid-call) and another may go; default 5 min. */
  trialTimeoutMs?: number
  now?: () => number
}

export function createBreaker(options: BreakerOptions = {}): Breaker {
  const threshold = options.threshold ?? 5
  const openMs = options.openMs ?? 30_000
  const trialTimeoutMs = options.trialTimeoutMs ?? 5 * 60_000
  const now = options.now ?? Date.now
  let failures = 0
  let openedAt: number | null = null
  let trialSince: number | null = null
  const state = (): BreakerState => (openedAt === null ? 'closed' : now() - openedAt >= openMs ? 'half_open' : 'open')

  function settle(trial: boolean, outcome: CallOutcome) {
    if (trial) trialSince = null
    if (outcome === 'up') {
      failures = 0
      openedAt = null
    } else if (outcome === 'down') {
      failures++
      if (trial || state() === 'half_open' || failures >= threshold) {
        openedAt = now()
        failures = 0
      }
    }
  }

  function permit(trial: boolean): BreakerPermit {
    let ended = false
    return {
      end(outcome) {
        if (ended) return
        ended = true
        settle(trial, outcome)
      },
    }
  }

  return {
    get state() {
      return state()
    },
    get retryAt() {
      return openedAt === null ? null : openedAt + openMs
    },
    get idle() {
      return openedAt === null && failures === 0 && trialSince === null
    },
    tryAcquire() {
      const s = state()
      if (s === 'closed') return permit(false)
      if (s === 'half_open' && (trialSince === null || now() - trialSince >= trialTimeoutMs)) {
        trialSince = now()
        return permit(true)
      }
      return null
    },
  }
}

/** Keyed by scope, the breakers stay few; past this many, idle ones are forgotten (scopes come from user-supplied endpoints). */
const MAX_BREAKERS = 1000

/** The breakers of a node: one per provider config, and one per scope of it when the provider has scopes. */
export function createBreakerSet(options: BreakerOptions = {}) {
  const breakers = new Map<string, Breaker>()
  return {
    get(configId: string, scope?: string): Breaker {
      const key = scope ? `${configId} ${scope}` : configId
      let breaker = breakers.get(key)
      if (!breaker) {
        if (breakers.size >= MAX_BREAKERS) for (const [k, b] of breakers) if (b.idle) breakers.delete(k)
        breakers.set(key, (breaker = createBreaker(options)))
      }
      return breaker
    },
    /** The provider-wide breaker's state, without creating one. */
    stateOf(configId: string): BreakerState {
      return breakers.get(configId)?.state ?? 'closed'
    },
  }
}
