// One request through the app's inject, as a signed-in caller; the body parsed when it is JSON.
import { bearer, type TestCaravan } from './caravan'

export async function api(
  t: TestCaravan,
  method: string,
  url: string,
  token: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await t.caravan.app.inject({
    method: method as any,
    url,
    headers: { ...bearer(token), ...headers },
    ...(payload !== undefined ? { payload: payload as any } : {}),
  })
  return {
    status: res.statusCode,
    body: res.body
      ? (() => {
          try {
            return res.json()
          } catch {
            return res.body
          }
        })()
      : undefined,
    headers: res.headers,
  }
}
