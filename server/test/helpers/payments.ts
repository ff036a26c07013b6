// What a payer does at the built-in test gateway: press Pay or Fail on its hosted page, then follow
// the redirects to Caravan's return page. Answers where the payer lands (the host's returnUrl).
import { expect } from 'vitest'
import type { TestCaravan } from './caravan'

export async function payAtTestGateway(t: TestCaravan, nextActionUrl: string, choice: 'pay' | 'fail'): Promise<URL> {
  const path = new URL(nextActionUrl).pathname
  const chosen = await t.caravan.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `choice=${choice}`,
  })
  expect(chosen.statusCode).toBe(303)
  const back = new URL(chosen.headers.location as string)
  const returned = await t.caravan.app.inject({ method: 'GET', url: back.pathname + back.search })
  expect(returned.statusCode).toBe(303)
  return new URL(returned.headers.location as string)
}
