/** Polls `check` until it returns something truthy (returned), or fails after `ms`. */
export async function until<T>(check: () => T | Promise<T>, ms = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms
  let last: T | undefined
  while (Date.now() < end) {
    last = await check()
    if (last) return last as NonNullable<T>
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what} not met within ${ms} ms (last: ${JSON.stringify(last)})`)
}
