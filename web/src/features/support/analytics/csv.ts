// The dashboard's CSV: GET /v1/support/analytics/export answers text/csv, which the SDK's request
// (JSON only) cannot read, so it is fetched here with the SDK's bearer token — refreshed once on a
// refused token, as the SDK does — and saved through the browser's download. A refusal is read
// into the same CaravanError the rest of the app shows.
import { CaravanError, type Problem, type SupportAnalyticsQuery } from '@caravan/sdk'
import { client } from '../../auth/session'

async function problemOf(response: Response): Promise<CaravanError> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as Partial<Problem>
    if (typeof body.type === 'string' && typeof body.title === 'string')
      return new CaravanError({ ...body, status: body.status ?? response.status } as Problem)
  } catch {
    /* not JSON: said by the status below */
  }
  return new CaravanError({ type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status })
}

function get(url: string, token: string | null): Promise<Response> {
  return fetch(url, {
    headers: { accept: 'text/csv, application/problem+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  }).catch(() => {
    throw new CaravanError({ type: 'network_error', title: 'The server could not be reached', status: 0 })
  })
}

/** The figures of `query` as CSV text (a header row, a row per group, then the total). */
export async function fetchAnalyticsCsv(query: SupportAnalyticsQuery): Promise<string> {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  const url = `${client.baseUrl}/v1/support/analytics/export?${params.toString()}`
  let response = await get(url, await client.accessToken())
  if (response.status === 401) {
    const problem = await problemOf(response)
    if (!problem.code.endsWith('invalid_token')) throw problem
    await client.refresh()
    response = await get(url, await client.accessToken())
  }
  if (!response.ok) throw await problemOf(response)
  return response.text()
}

/** Saves `text` as a file through the browser's download, from an object URL on a passing link. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  // Revoked later, not at once: some browsers read the URL after click() has returned.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
