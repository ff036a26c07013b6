import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, maskPii } from './logger'

function sink() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => lines.join('') }
}

describe('log masking', () => {
  it('masks emails and phone numbers in text', () => {
    expect(maskPii('sent to sara.ahmadi@example.com')).toBe('sent to s***@example.com')
    expect(maskPii('SMS to +989121234567 failed')).toBe('SMS to +9891***67 failed')
    expect(maskPii('order 12345 costs 500')).toBe('order 12345 costs 500')
  })

  it('masks every field, message and error of a log line', () => {
    const out = sink()
    const logger = createLogger('info', { format: 'json', destination: out.stream })
    logger.info(
      { email: 'reza@example.com', nested: { to: '+989121234567' }, err: new Error('rejected reza@example.com') },
      'mail to reza@example.com',
    )
    const line = out.text()
    expect(line).not.toContain('reza@example.com')
    expect(line).not.toContain('9121234567')
    expect(line).toContain('r***@example.com')
  })

  it('masks emails in URL query strings, percent-encoded or not, in request log lines', async () => {
    expect(maskPii('/v1/admin/users?q=sara.ahmadi%40example.com&limit=5')).toBe('/v1/admin/users?q=s***%40example.com&limit=5')
    expect(maskPii('/x?email=a%2Bb%40example.org')).toBe('/x?email=a***%40example.org')
    const out = sink()
    const { default: Fastify } = await import('fastify')
    const app = Fastify({ loggerInstance: createLogger('info', { format: 'json', destination: out.stream }) as any })
    app.get('/lookup', async () => ({ ok: true }))
    await app.inject({ method: 'GET', url: '/lookup?email=reza%40example.com&other=reza@example.com' })
    await app.close()
    const logged = out.text()
    expect(logged).toContain('incoming request')
    expect(logged).not.toContain('reza%40example.com')
    expect(logged).not.toContain('reza@example.com')
    expect(logged).toContain('r***%40example.com')
  })
})

describe('log formats', () => {
  const log = (logger: ReturnType<typeof createLogger>) =>
    logger.warn({ to: 'reza@example.com', err: new Error('rejected +989121234567') }, 'mail to reza@example.com failed')

  it('writes one JSON object a line', () => {
    const out = sink()
    log(createLogger('info', { format: 'json', destination: out.stream }))
    const line = JSON.parse(out.text())
    expect(line).toMatchObject({ level: 40, msg: 'mail to r***@example.com failed', to: 'r***@example.com' })
  })

  it('writes readable lines, masked the same way, with no colours unless asked', () => {
    const out = sink()
    log(createLogger('info', { format: 'pretty', colors: false, destination: out.stream }))
    const text = out.text()
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: mail to r\*\*\*@example\.com failed \{"to":"r\*\*\*@example\.com"\}\n/)
    expect(text).toContain('rejected +9891***67')
    expect(text).not.toContain('reza@example.com')
    expect(text).not.toContain('9121234567')
    expect(text).not.toContain('\x1b[')

    const colored = sink()
    log(createLogger('info', { format: 'pretty', colors: true, destination: colored.stream }))
    expect(colored.text()).toContain('\x1b[')
  })
})
