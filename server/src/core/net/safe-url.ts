// The one check for URLs a user supplies and the server will call (a Web Push endpoint, later a
// webhook target or an avatar): the host must resolve only to public addresses. Loopback,
// private, link-local, CGNAT, "this network", multicast and reserved addresses are refused, in
// IPv4, IPv6 and the IPv6 forms that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible
// ::a.b.c.d, NAT64 64:ff9b::/96). Checking a name once is not enough (its DNS answer can change
// between the check and the connection: DNS rebinding), so `safeLookup` gives http(s).Agent a
// lookup that checks the very addresses the socket is about to connect to.
// Tests allow loopback with ALLOW_LOOPBACK_URLS, so loopback fakes can stand in for real services.
import dns from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'

export interface AddressPolicy {
  /** Allow 127.0.0.0/8 and ::1 (tests only: ALLOW_LOOPBACK_URLS). */
  allowLoopback?: boolean
}

export type UnsafeUrlReason = 'not_a_url' | 'scheme' | 'host_not_allowed' | 'refused_address' | 'unresolvable'

/** Why a URL must not be called. Its message names the host and the kind of address, never the full URL (it may be a capability). */
export class UnsafeUrlError extends Error {
  readonly code = 'ERR_UNSAFE_URL'
  constructor(
    readonly reason: UnsafeUrlReason,
    message: string,
  ) {
    super(message)
    this.name = 'UnsafeUrlError'
  }
}

/** True for an UnsafeUrlError, also when a transport wrapped it as the `cause` of its own error. */
export function isUnsafeUrlError(error: unknown): error is UnsafeUrlError {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UnsafeUrlError || (e as { code?: unknown }).code === 'ERR_UNSAFE_URL') return true
  }
  return false
}

/** A name resolver in dns.lookup's `all: true` shape; tests pass their own. */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>

const RESOLVE_TIMEOUT_MS = 5_000

export const systemResolver: Resolver = (host) => dns.promises.lookup(host, { all: true, verbatim: true })

/**
 * Why this IP address must not be called (e.g. "loopback", "private"), or undefined when it may.
 * Anything that is not an IP address is refused as "not an IP address".
 */
export function refusedAddress(address: string, policy: AddressPolicy = {}): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '') // [::1] from URLs, fe80::1%eth0 from DNS
  const family = isIP(bare)
  if (family === 4) return ipv4Refusal(bare.split('.').map(Number), policy)
  if (family === 6) {
    const bytes = ipv6Bytes(bare)
    return bytes ? ipv6Refusal(bytes, policy) : 'not an IP address'
  }
  return 'not an IP address'
}

function ipv4Refusal([a, b]: number[], policy: AddressPolicy): string | undefined {
  if (a === 127) return policy.allowLoopback ? undefined : 'loopback'
  if (a === 0) return 'unspecified ("this network", 0.0.0.0/8)'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private'
  if (a === 100 && b >= 64 && b <= 127) return 'shared address space (CGNAT, 100.64.0.0/10)'
  if (a === 169 && b === 254) return 'link-local'
  if (a >= 224 && a <= 239) return 'multicast'
  if (a >= 240) return 'reserved'
  return undefined
}

function ipv6Refusal(bytes: number[], policy: AddressPolicy): string | undefined {
  const zeroUpTo = (n: number) => bytes.slice(0, n).every((x) => x === 0)
  if (zeroUpTo(16)) return 'unspecified'
  if (zeroUpTo(15) && bytes[15] === 1) return policy.allowLoopback ? undefined : 'loopback'
  const embedded = (why: string) => {
    const refusal = ipv4Refusal(bytes.slice(12), policy)
    return refusal ? `${refusal} (${why})` : undefined
  }
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return embedded('IPv4-mapped IPv6')
  if (zeroUpTo(12)) return embedded('IPv4-compatible IPv6')
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && bytes.slice(4, 12).every((x) => x === 0)) {
    return embedded('NAT64')
  }
  if ((bytes[0] & 0xfe) === 0xfc) return 'private (unique local, fc00::/7)'
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return 'link-local'
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return 'private (site-local, fec0::/10)'
  if (bytes[0] === 0xff) return 'multicast'
  return undefined
}

/** The 16 bytes of an IPv6 address (with "::" and a trailing dotted IPv4 part), or undefined. */
function ipv6Bytes(text: string): number[] | undefined {
  let hex = text
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hex)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number)
    if ([a, b, c, d].some((x) => x > 255)) return undefined
    hex = hex.slice(0, dotted.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16)
  }
  const halves = hex.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  const left = parse(halves[0])
  const right = halves.length === 2 ? parse(halves[1]) : []
  if (left.concat(right).some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined
  const missing = 8 - left.length - right.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right].map((g) => parseInt(g, 16))
  return groups.flatMap((g) => [g >> 8, g & 0xff])
}

/** Lower-case host without IPv6 brackets or a trailing dot: how hosts are compared. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
}

/**
 * Whether `host` is on the list. An entry "*.example.com" matches any name below example.com
 * (a.example.com, a.b.example.com) but not example.com itself; other entries match exactly.
 */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = normalizeHost(host)
  return allowed.some((entry) => {
    const pattern = normalizeHost(entry)
    return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern
  })
}

export interface UrlCheck extends AddressPolicy {
  /** Schemes accepted, e.g. ['https:']. */
  protocols: readonly string[]
  /** When given, the host must be on this list (see hostAllowed). */
  allowedHosts?: readonly string[]
  resolve?: Resolver
}

/**
 * Checks a URL before it is stored or called: scheme, host list, then every address the host
 * resolves to. Throws UnsafeUrlError; returns the parsed URL. A host that does not resolve
 * throws with reason 'unresolvable' (callers decide whether that is fatal: see registerDevice).
 */
export async function checkUrl(input: string | URL, check: UrlCheck): Promise<URL> {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    throw new UnsafeUrlError('not_a_url', 'not a URL')
  }
  if (!check.protocols.includes(url.protocol)) {
    throw new UnsafeUrlError('scheme', `the scheme must be ${check.protocols.join(' or ')}, not ${url.protocol}`)
  }
  const host = normalizeHost(url.hostname)
  if (check.allowedHosts && !hostAllowed(host, check.allowedHosts)) {
    throw new UnsafeUrlError('host_not_allowed', `${host} is not an allowed host`)
  }
  if (isIP(host)) {
    const refusal = refusedAddress(host, check)
    if (refusal) throw new UnsafeUrlError('refused_address', `${host} is a ${refusal} address`)
    return url
  }
  let addresses: { address: string }[]
  try {
    addresses = await withTimeout((check.resolve ?? systemResolver)(host), RESOLVE_TIMEOUT_MS)
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as Error).message
    throw new UnsafeUrlError('unresolvable', `${host} does not resolve (${code})`)
  }
  if (addresses.length === 0) throw new UnsafeUrlError('unresolvable', `${host} does not resolve`)
  for (const { address } of addresses) {
    const refusal = refusedAddress(address, check)
    if (refusal) throw new UnsafeUrlError('refused_address', `${host} resolves to ${address}, a ${refusal} address`)
  }
  return url
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code: 'ETIMEOUT' })), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * A `lookup` for http.Agent / https.Agent (and net.connect): resolves like dns.lookup, then
 * refuses the connection when any resolved address is refused, so what the socket connects to is
 * what was checked. IP-literal hosts never reach a lookup: check them with refusedAddress first.
 */
export function safeLookup(policy: AddressPolicy, lookup: typeof dns.lookup = dns.lookup): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: any[]) => void) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error)
      const list = addresses as dns.LookupAddress[]
      for (const { address } of list) {
        const refusal = refusedAddress(address, policy)
        if (refusal) return callback(new UnsafeUrlError('refused_address', `${hostname} resolves to ${address}, a ${refusal} address`))
      }
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }))
      if (options?.all) return callback(null, list)
      callback(null, list[0].address, list[0].family)
    })
  }) as LookupFunction
}
