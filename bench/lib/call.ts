// The benchmarks' one JSON call for set-up and checks (never for the measured load): the status
// must be the expected one, else the run stops with what the server said.
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; expect: number },
): Promise<T> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.token) headers.authorization = `Bearer ${options.token}`
  const response = await fetch(base + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  if (response.status !== options.expect)
    throw new Error(`${method} ${path} answered ${response.status} (expected ${options.expect}): ${text.slice(0, 300)}`)
  return (text ? JSON.parse(text) : undefined) as T
}
