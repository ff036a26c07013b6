import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/http/errors'
import { renderTemplate, validateTemplate } from './templates'

const ctx = (locale: 'fa' | 'en', data: Record<string, unknown> = {}) => ({
  locale,
  data,
  user: { name: 'Sara', email: 's@example.com', locale },
  brand: { name: 'Caravan', url: 'http://localhost:3000' },
})

describe('templates', () => {
  it('a syntax error is a 422 naming the field and line', () => {
    let error: AppError | undefined
    try {
      validateTemplate('email', { subject: 'Hi', text: 'ok', html: '<p>line one</p>\n<p>{% if %}</p>' })
    } catch (e) {
      error = e as AppError
    }
    expect(error?.status).toBe(422)
    expect(error?.extra.errors?.[0]).toMatchObject({ field: 'content.html', message: expect.stringContaining('line 2') })
  })

  it("requires the channel's fields and refuses unknown ones", () => {
    expect(() => validateTemplate('sms', {})).toThrow(/needs text/)
    expect(() => validateTemplate('push', { title: 'a', body: 'b', subject: 'x' })).toThrow(AppError)
  })

  it('escapes HTML in email bodies, not in plain text, and lays fa out right-to-left', async () => {
    const out = await renderTemplate(
      'email',
      { subject: 'سلام {{ user.name }}', html: '<p>{{ note }}</p>', text: '{{ note }}' },
      ctx('fa', { note: '<script>x</script>' }),
    )
    expect(out.subject).toBe('سلام Sara')
    expect(out.html).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(out.html).toContain('dir="rtl"')
    expect(out.html).toContain('lang="fa"')
    expect(out.text).toBe('<script>x</script>')
  })

  it('is sandboxed: no prototype walking, no includes from disk', async () => {
    const out = await renderTemplate('sms', { text: '{{ data.constructor }}|{{ user.__proto__ }}' }, ctx('en'))
    expect(out.text).toBe('|')
    await expect(renderTemplate('sms', { text: "{% include '/etc/passwd' %}" }, ctx('en'))).rejects.toThrow(AppError)
  })

  it('renders push data maps and Persian digits', async () => {
    const out = await renderTemplate(
      'push',
      { title: 'کد {{ code | fa_digits }}', body: 'b', data: { orderId: '{{ id }}' } },
      ctx('fa', { code: 1234, id: 'o-1' }),
    )
    expect(out).toEqual({ title: 'کد ۱۲۳۴', body: 'b', data: { orderId: 'o-1' } })
  })
})
