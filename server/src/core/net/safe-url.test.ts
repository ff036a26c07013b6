import dns from 'node:dns'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createSafeFetch } from './safe-fetch'
import { checkUrl, hostAllowed, isUnsafeUrlError, refusedAddress, safeLookup, UnsafeUrlError, type Resolver } from './safe-url'

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private (unique local, fc00::/7)'],
    ['fd12:3456::1', 'private (unique local, fc00::/7)'],
    ['fec0::1', 'private (site-local, fec0::/10)'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'shared address space (CGNAT, 100.64.0.0/10)'],
    ['100.127.255.254', 'shared address space (CGNAT, 100.64.0.0/10)'],
    ['0.0.0.0', 'unspecified ("this network", 0.0.0.0/8)'],
    ['0.1.2.3', 'unspecified ("this network", 0.0.0.0/8)'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped IPv6)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped IPv6)'],
    ['::ffff:10.1.2.3', 'private (IPv4-mapped IPv6)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4-mapped IPv6)'],
    ['::127.0.0.1', 'loopback (IPv4-compatible IPv6)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (NAT64)'],
    ['example.com', 'not an IP address'],
  ])('%s is refused as %s', (address, why) => {
    expect(refusedAddress(address)).toBe(why)
  })

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(refusedAddress(address)).toBeUndefined()
    },
  )

  it('allows loopback, and only loopback, when the policy says so (tests)', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(refusedAddress(address, { allowLoopback: true })).toBeUndefined()
    for (const address of ['10.0.0.5', '169.254.169.254', '0.0.0.0', '::'])
      expect(refusedAddress(address, { allowLoopback: true })).toBeDefined()
  })
})

describe('hostAllowed', () => {
  const list = ['fcm.googleapis.com', '*.push.apple.com', '[::1]']
  it.each([
    ['fcm.googleapis.com', true],
    ['FCM.googleapis.com.', true],
    ['web.push.apple.com', true],
    ['a.b.push.apple.com', true],
    ['push.apple.com', false],
    ['evilpush.apple.com', false],
    ['fcm.googleapis.com.evil.example', false],
    ['[::1]', true],
    ['::1', true],
    ['127.0.0.1', false],
  ])('%s → %s', (host, allowed) => {
    expect(hostAllowed(host, list)).toBe(allowed)
  })
})

describe('checkUrl', () => {
  const resolver =
    (answers: Record<string, string[]>): Resolver =>
    async (host) => {
      const addresses = answers[host]
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    }
  const check = (url: string, extra = {}) =>
    checkUrl(url, {
      protocols: ['https:'],
      allowedHosts: ['push.example', 'rebind.example', 'dual.example', '127.0.0.1', '[::ffff:7f00:1]'],
      resolve: resolver({
        'push.example': ['203.0.113.10'],
        'rebind.example': ['127.0.0.1'],
        'dual.example': ['198.51.100.7', '10.0.0.7'],
      }),
      ...extra,
    })
  const reason = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (e: UnsafeUrlError) => `${e.reason}: ${e.message}`,
    )

  it('accepts an allowed host with public addresses', async () => {
    expect((await check('https://push.example/abc')).hostname).toBe('push.example')
  })

  it('refuses other schemes, other hosts, and non-URLs', async () => {
    expect(await reason(check('http://push.example/abc'))).toBe('scheme: the scheme must be https:, not http:')
    expect(await reason(check('https://elsewhere.example/abc'))).toBe('host_not_allowed: elsewhere.example is not an allowed host')
    expect(await reason(check('not a url'))).toBe('not_a_url: not a URL')
  })

  it('refuses a name resolving to loopback, and one with any private address among public ones', async () => {
    expect(await reason(check('https://rebind.example/x'))).toBe(
      'refused_address: rebind.example resolves to 127.0.0.1, a loopback address',
    )
    expect(await reason(check('https://dual.example/x'))).toBe('refused_address: dual.example resolves to 10.0.0.7, a private address')
  })

  it('refuses IP literals without resolving, in every spelling the URL parser accepts', async () => {
    expect(await reason(check('https://127.0.0.1/x'))).toBe('refused_address: 127.0.0.1 is a loopback address')
    expect(await reason(check('https://2130706433/x'))).toBe('refused_address: 127.0.0.1 is a loopback address')
    expect(await reason(check('https://[::ffff:127.0.0.1]/x'))).toBe(
      'refused_address: ::ffff:7f00:1 is a loopback (IPv4-mapped IPv6) address',
    )
  })

  it('says unresolvable for a name that does not resolve', async () => {
    expect(await reason(check('https://push.example/x', { resolve: resolver({}) }))).toBe(
      'unresolvable: push.example does not resolve (ENOTFOUND)',
    )
  })

  it('allows loopback when told to', async () => {
    expect((await check('https://rebind.example/x', { allowLoopback: true })).hostname).toBe('rebind.example')
  })
})

describe('safeLookup (for http.Agent)', () => {
  const fakeLookup = (addresses: dns.LookupAddress[]) =>
    ((_host: string, _options: unknown, callback: (e: Error | null, a: dns.LookupAddress[]) => void) =>
      callback(null, addresses)) as unknown as typeof dns.lookup
  const run = (lookup: ReturnType<typeof safeLookup>, options: dns.LookupOptions) =>
    new Promise<{ error: Error | null; result: unknown[] }>((resolve) =>
      lookup('svc.example', options as dns.LookupOneOptions, (error, ...result) => resolve({ error, result })),
    )

  it('answers like dns.lookup (one address, or all) when every address is public', async () => {
    const lookup = safeLookup({}, fakeLookup([{ address: '203.0.113.5', family: 4 }]))
    expect(await run(lookup, {})).toEqual({ error: null, result: ['203.0.113.5', 4] })
    expect(await run(lookup, { all: true })).toEqual({ error: null, result: [[{ address: '203.0.113.5', family: 4 }]] })
  })

  it('refuses when any address is refused (what the socket would connect to is what was checked)', async () => {
    const lookup = safeLookup(
      {},
      fakeLookup([
        { address: '203.0.113.5', family: 4 },
        { address: '::1', family: 6 },
      ]),
    )
    const { error } = await run(lookup, { all: true })
    expect(isUnsafeUrlError(error)).toBe(true)
    expect(error?.message).toBe('svc.example resolves to ::1, a loopback address')
  })
})

describe('safeFetch', () => {
  it('never connects to a name that resolves to loopback unless loopback is allowed', async () => {
    let connections = 0
    const server = createServer((_req, res) => res.end('hello'))
    server.on('connection', () => connections++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const refused = await createSafeFetch({ allowLoopback: false })
        .fetch(`http://localhost:${port}/`)
        .catch((e: unknown) => e)
      expect(isUnsafeUrlError(refused)).toBe(true)
      const literal = await createSafeFetch({ allowLoopback: false })
        .fetch(`http://[::ffff:127.0.0.1]:${port}/`)
        .catch((e: unknown) => e)
      expect(isUnsafeUrlError(literal)).toBe(true)
      expect(connections).toBe(0)

      const allowed = createSafeFetch({ allowLoopback: true })
      const response = await allowed.fetch(`http://localhost:${port}/`, { method: 'POST', body: 'x' })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('hello')
      allowed.close()
      expect(connections).toBe(1)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
