// Guards password sign-in against guessing without letting anyone lock a stranger out:
// - per account and client address: after `maxFailures` wrong passwords that address is refused for
//   the window (an attacker locks out only themselves). The attempt is counted before the password
//   is checked, so concurrent guesses cannot exceed the limit.
// - per account from any address: past `maxFailures` failures, addresses that never signed in to the
//   account are slowed down (one try per 1, 2, 4… up to 60 s), never locked; addresses the account
//   signed in from in the last 30 days are not slowed.
// - per client address: ten times `maxFailures` failures across accounts refuse that address.
import { createHash } from 'node:crypto'
import { AppError } from '../../core/http/errors'
import type { CounterStore } from '../../core/http/rate-limit-store'

const KNOWN_ADDRESS_DAYS = 30
const MAX_SLOWDOWN_SECONDS = 60

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

export function createLoginGuard(deps: { counters: CounterStore; maxFailures: number; windowSeconds: number }) {
  const { counters, maxFailures, windowSeconds } = deps
  const keys = (email: string, ip: string) => {
    const account = sha256(email)
    return {
      pair: `login-fail:pair:${account}:${ip}`,
      account: `login-fail:account:${account}`,
      slow: `login-slow:${account}`,
      known: `login-known:${account}:${ip}`,
      ip: `login-fail:ip:${ip}`,
    }
  }
  const refuse = (seconds: number) =>
    new AppError('rate_limited', 'Too many failed sign-in attempts; try again later', { retryAfterSeconds: Math.max(1, seconds) })

  /** Call before checking the password; throws 429 when this attempt may not be made. */
  async function admit(email: string, ip: string) {
    const k = keys(email, ip)
    const [byIp, slow, known] = await Promise.all([counters.peek(k.ip), counters.peek(k.slow), counters.peek(k.known)])
    if (byIp.count >= maxFailures * 10) throw refuse(byIp.resetInSeconds)
    if (slow.count > 0 && known.count === 0) throw refuse(slow.resetInSeconds)
    // Reserve the attempt atomically: the (maxFailures + 1)-th concurrent guess is refused unchecked.
    const pair = await counters.hit(k.pair, windowSeconds)
    if (pair.count > maxFailures) throw refuse(pair.resetInSeconds)
  }

  async function failed(email: string, ip: string) {
    const k = keys(email, ip)
    const [account] = await Promise.all([counters.hit(k.account, windowSeconds), counters.hit(k.ip, windowSeconds)])
    if (account.count >= maxFailures) {
      const seconds = Math.min(MAX_SLOWDOWN_SECONDS, 2 ** (account.count - maxFailures))
      await counters.reset(k.slow)
      await counters.hit(k.slow, seconds)
    }
  }

  async function succeeded(email: string, ip: string) {
    const k = keys(email, ip)
    await Promise.all([counters.reset(k.pair), counters.hit(k.known, KNOWN_ADDRESS_DAYS * 86_400)])
  }

  return { admit, failed, succeeded }
}

export type LoginGuard = ReturnType<typeof createLoginGuard>
