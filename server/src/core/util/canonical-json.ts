/** JSON with sorted keys, so {a,b} and {b,a} hash the same (idempotency, audit chain). */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString())
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.keys(value as object)
    .sort()
    .filter((k) => (value as any)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as any)[k])}`)
  return `{${entries.join(',')}}`
}
