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
})
