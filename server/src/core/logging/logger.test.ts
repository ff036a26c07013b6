import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, maskPii } from './logger'

describe('log masking', () => {
  it('masks emails and phone numbers in text', () => {
    expect(maskPii('sent to sara.ahmadi@example.com')).toBe('sent to s***@example.com')
    expect(maskPii('SMS to +989121234567 failed')).toBe('SMS to +9891***67 failed')
    expect(maskPii('order 12345 costs 500')).toBe('order 12345 costs 500')
  })

  it('masks every field, message and error of a log line', () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const logger = createLogger('info', sink as any)
    logger.info(
      { email: 'reza@example.com', nested: { to: '+989121234567' }, err: new Error('rejected reza@example.com') },
      'mail to reza@example.com',
    )
    const line = lines.join('')
    expect(line).not.toContain('reza@example.com')
    expect(line).not.toContain('9121234567')
    expect(line).toContain('r***@example.com')
  })

  it('masks emails in URL query strings, percent-encoded or not, in request log lines', async () => {
    expect(maskPii('/v1/admin/users?q=sara.ahmadi%40example.com&limit=5')).toBe('/v1/admin/users?q=s***%40example.com&limit=5')
    expect(maskPii('/x?email=a%2Bb%40example.org')).toBe('/x?email=a***%40example.org')
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const { default: Fastify } = await import('fastify')
    const app = Fastify({ loggerInstance: createLogger('info', sink as any) as any })
    app.get('/lookup', async () => ({ ok: true }))
    await app.inject({ method: 'GET', url: '/lookup?email=reza%40example.com&other=reza@example.com' })
    await app.close()
    const logged = lines.join('')
    expect(logged).toContain('incoming request')
    expect(logged).not.toContain('reza%40example.com')
    expect(logged).not.toContain('reza@example.com')
    expect(logged).toContain('r***%40example.com')
  })
})
