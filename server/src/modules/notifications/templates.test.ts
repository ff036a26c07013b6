import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/http/errors'
import { OUTPUT_LIMITS, renderTemplate, validateTemplate } from './templates'

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

  it('keeps javascript: and other unsafe URLs from trigger data out of links, for every channel', async () => {
    const evil = ['javascript:alert(1)', ' \u0001JaVa\tScRiPt:alert(1)', '&#106;avascript:alert(1)', 'data:text/html,x', 'vbscript:x']
    for (const url of evil) {
      const data = { url }
      const email = await renderTemplate(
        'email',
        { subject: 's', text: '{{ url }}', html: '<a href="{{ url }}">a</a><a href="{{ url | raw }}">b</a>' },
        ctx('en', data),
      )
      expect(String(email.html), url).toContain('<a href="#">a</a><a href="#">b</a>')
      expect(email.text).toBe(url.trim()) // plain text is not a link: left as it is
      const inApp = await renderTemplate('in_app', { title: 't', body: 'b', actionUrl: '{{ url }}' }, ctx('en', data))
      expect(inApp, url).toEqual({ title: 't', body: 'b' })
      const push = await renderTemplate(
        'push',
        { title: 't', body: 'b', data: { url: '{{ url }}', orderId: '{{ url }}' } },
        ctx('en', data),
      )
      expect(push.data, url).toEqual({ orderId: url.trim() })
    }
    const unquoted = await renderTemplate(
      'email',
      { subject: 's', text: 't', html: '<a href={{ url }}>x</a>' },
      ctx('en', { url: evil[0] }),
    )
    expect(String(unquoted.html)).toContain('<a href="#">x</a>')
    // A template's own unsafe link is no different from one in the data.
    const own = await renderTemplate('email', { subject: 's', text: 't', html: '<a href="javascript:alert(1)">x</a>' }, ctx('en'))
    expect(String(own.html)).toContain('<a href="#">x</a>')
  })

  it('keeps safe links as they are', async () => {
    const data = { url: 'https://shop.example.com/o?id=1&x=2', path: '/orders/1' }
    const email = await renderTemplate(
      'email',
      { subject: 's', text: 't', html: '<a href="{{ url }}">a</a><a href="mailto:help@example.com">m</a><a href="{{ path }}">p</a>' },
      ctx('en', data),
    )
    expect(String(email.html)).toContain(
      '<a href="https://shop.example.com/o?id=1&amp;x=2">a</a><a href="mailto:help@example.com">m</a><a href="/orders/1">p</a>',
    )
    expect(await renderTemplate('in_app', { title: 't', body: 'b', actionUrl: '{{ path }}' }, ctx('en', data))).toMatchObject({
      actionUrl: '/orders/1',
    })
    expect(await renderTemplate('push', { title: 't', body: 'b', data: { link: '{{ url }}' } }, ctx('en', data))).toMatchObject({
      data: { link: 'https://shop.example.com/o?id=1&x=2' },
    })
  })
})

describe('render limits', () => {
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).status).toBe(422)
    return (error as AppError).extra.errors![0]
  }

  it('refuses a field that renders to more than 256 kB, stopping at the cap', async () => {
    const kilobyte = 'x'.repeat(1024)
    expect(await failure(renderTemplate('sms', { text: `{% for i in (1..1000000) %}${kilobyte}{% endfor %}` }, ctx('en')))).toEqual({
      field: 'content.text',
      message: 'renders to more than 256 kB',
    })
    // Amplified trigger data: 3,000 × 100 kB would be 300 MB.
    const big = { big: 'y'.repeat(100_000) }
    expect(
      await failure(
        renderTemplate('email', { subject: 's', text: 't', html: '{% for i in (1..3000) %}{{ big }}{% endfor %}' }, ctx('en', big)),
      ),
    ).toEqual({ field: 'content.html', message: 'renders to more than 256 kB' })
    // Through a capture, which renders apart from the field.
    expect(
      await failure(
        renderTemplate(
          'sms',
          { text: '{% capture a %}{% for i in (1..3000) %}{{ big }}{% endfor %}{% endcapture %}{{ a | size }}' },
          ctx('en', big),
        ),
      ),
    ).toMatchObject({ field: 'content.text', message: 'renders to more than 256 kB' })
    // Persian text counts in UTF-8 bytes (2 a letter).
    const persian = 'س'.repeat(OUTPUT_LIMITS.fieldBytes / 2)
    expect(await renderTemplate('sms', { text: '{{ p }}' }, ctx('fa', { p: persian }))).toEqual({ text: persian })
    expect(await failure(renderTemplate('sms', { text: '{{ p }}!' }, ctx('fa', { p: persian })))).toMatchObject({ field: 'content.text' })
  })

  it('renders ordinary templates as before, captures included', async () => {
    const out = await renderTemplate(
      'sms',
      { text: '{% capture greeting %}Hi {{ user.name }}{% endcapture %}{{ greeting }}! {{ items | join: ", " }} {{ n | plus: 1 }}' },
      ctx('en', { items: ['a', 'b'], n: 1 }),
    )
    expect(out.text).toBe('Hi Sara! a, b 2')
  })

  it('refuses a message over 1 MB in all, naming the field that passed it', async () => {
    const quarter = 'x'.repeat(250 * 1024)
    const data = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, '{{ q }}']))
    expect(await failure(renderTemplate('push', { title: 't', body: 'b', data }, ctx('en', { q: quarter })))).toEqual({
      field: 'content.data.e',
      message: 'the message is larger than 1 MB',
    })
  })

  it('refuses huge ranges and endless loops with a reason', async () => {
    expect(await failure(renderTemplate('sms', { text: '{% for i in (1..100000000) %}xxxxxxxx{% endfor %}' }, ctx('en')))).toMatchObject({
      field: 'content.text',
      message: expect.stringContaining('memory limit'),
    })
    // Loops over data allocate nothing: only the time limit stops a billion empty turns.
    const spin = '{% for a in list %}{% for b in list %}{% for c in list %}{% endfor %}{% endfor %}{% endfor %}'
    const list = Array.from({ length: 1000 }, (_, i) => i)
    expect(await failure(renderTemplate('sms', { text: spin }, ctx('en', { list })))).toMatchObject({
      field: 'content.text',
      message: expect.stringMatching(/takes longer than \d+ ms/),
    })
  })
})
