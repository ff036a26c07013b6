// A delivery that every provider's open circuit holds back is not an attempt (nothing was sent), so
// it does not use up the delivery's attempts; it waits instead. The waits must cost little and end:
// each one lasts until the earliest circuit may half-open, at least a pause that doubles per wait,
// with jitter so held-back deliveries do not all wake together; after `limit` waits or `maxSeconds`
// since the first, the delivery fails with the reason.

export interface DeferralPolicy {
  /** Waits allowed; the next time the circuits are still open, the delivery fails. */
  limit: number
  /** Seconds since the first wait after which the delivery fails. */
  maxSeconds: number
}

/** The first pause; each later one doubles, up to MAX_PAUSE_SECONDS. */
const FIRST_PAUSE_SECONDS = 10
const MAX_PAUSE_SECONDS = 3600
/** Up to this share is added at random to each pause. */
const JITTER = 0.25

export type DeferralPlan = { waitSeconds: number } | { giveUp: string }

/**
 * What to do with a delivery skipped by open circuits for the `deferral`-th time (1 = first),
 * `since` being when the first wait began and `openUntil` when the earliest circuit half-opens.
 */
export function planDeferral(input: {
  now: number
  deferral: number
  since: number
  openUntil: number | undefined
  policy: DeferralPolicy
  random?: () => number
}): DeferralPlan {
  const { now, deferral, policy } = input
  const waited = Math.max(0, (now - input.since) / 1000)
  if (deferral > policy.limit) return { giveUp: `held back ${policy.limit} times by open circuits` }
  if (waited >= policy.maxSeconds) return { giveUp: `held back by open circuits for ${Math.round(waited)} s` }
  const untilHalfOpen = input.openUntil === undefined ? 0 : Math.max(0, (input.openUntil - now) / 1000)
  const pause = Math.min(MAX_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2 ** (deferral - 1))
  const jittered = Math.max(untilHalfOpen, pause) * (1 + (input.random ?? Math.random)() * JITTER)
  // Never past the bound: the last wait ends when the delivery is due to give up.
  return { waitSeconds: Math.max(1, Math.ceil(Math.min(jittered, policy.maxSeconds - waited))) }
}
