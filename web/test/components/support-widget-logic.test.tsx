// The live chat widget's console pieces: allowed origins typed one per line (what counts as an
// origin, the line a mistake is on, the server's refusals back on their line), what an edit of a
// site sends, a new chat message moving its conversation's last activity in the held lists; and
// the two pages on a faked client: a rotated secret shown once, the live chats list in Persian.
import type { SupportConversation, SupportConversationPage, WidgetSite } from '@caravan/sdk'
import { CaravanError } from '@caravan/sdk'
import { QueryClientProvider, type InfiniteData } from '@tanstack/react-query'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { queryClient } from '../../src/data/queryClient'
import { client } from '../../src/features/auth/session'
import { lineOfServerError, MAX_ORIGINS, normalizeOrigin, originsProblem, parseOrigins } from '../../src/features/support/admin/origins'
import { SiteDialog, sitePatch } from '../../src/features/support/admin/SiteDialog'
import { Sites } from '../../src/features/support/admin/Sites'
import { Conversations } from '../../src/features/support/console/Conversations'
import { conversationKeys, touchConversation } from '../../src/features/support/conversations'
import { renderUi, setLocale } from './ui-render'

const SITE: WidgetSite = {
  id: 's-1',
  token: 'cw_abc',
  name: 'Shop',
  allowedOrigins: ['https://shop.example.com'],
  requireIdentity: false,
  teamId: null,
  locale: 'fa',
  snippet: '<script src="https://caravan.test/widget.js" data-site="cw_abc" async></script>',
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
}

afterEach(() => {
  vi.restoreAllMocks()
  queryClient.clear()
})

describe('allowed origins', () => {
  it('takes an http(s) scheme, a host and a port, written as browsers send it', () => {
    expect(normalizeOrigin('https://shop.example.com')).toBe('https://shop.example.com')
    expect(normalizeOrigin('  http://localhost:8080/ ')).toBe('http://localhost:8080')
    // Lower case, no default port, punycode: the only form the server's exact match accepts.
    expect(normalizeOrigin('HTTPS://Shop.Example.com:443')).toBe('https://shop.example.com')
    expect(normalizeOrigin('https://bücher.example')).toBe('https://xn--bcher-kva.example')
    expect(normalizeOrigin('http://[::1]:3000')).toBe('http://[::1]:3000')
  })

  it('refuses paths, queries, fragments, credentials, other schemes and bare hosts', () => {
    for (const text of [
      'https://shop.example.com/chat',
      'https://shop.example.com?x=1',
      'https://shop.example.com?',
      'https://shop.example.com#top',
      'https://user:pw@shop.example.com',
      'ftp://shop.example.com',
      'shop.example.com',
      'localhost:8080',
      'https://',
      'https://shop.example.com:99999',
      '*',
      `https://${'a'.repeat(300)}.com`,
    ])
      expect(normalizeOrigin(text), text).toBeNull()
  })

  it('reads one per line, trimmed, blank lines skipped, each origin once, remembering its line', () => {
    const parsed = parseOrigins('https://a.example\r\n\n  https://b.example:8443  \nnot an origin\nhttps://A.example/\n')
    expect(parsed.origins).toEqual(['https://a.example', 'https://b.example:8443'])
    expect(parsed.lines).toEqual([1, 3])
    expect(parsed.invalid).toEqual([{ line: 4, text: 'not an origin' }])
    expect(originsProblem(parsed)).toEqual({ kind: 'invalid', line: 4, text: 'not an origin' })
    // The server's allowedOrigins.1 is the second origin sent: line 3 of the box.
    expect(lineOfServerError('body.allowedOrigins.1', parsed)).toBe(3)
    expect(lineOfServerError('body.allowedOrigins.7', parsed)).toBeUndefined()
    expect(lineOfServerError('body.allowedOrigins', parsed)).toBeUndefined()
  })

  it('needs one origin at least and the server’s most at most', () => {
    expect(originsProblem(parseOrigins(' \n\n'))).toEqual({ kind: 'empty' })
    const many = Array.from({ length: MAX_ORIGINS + 1 }, (_, i) => `https://s${i}.example`).join('\n')
    expect(originsProblem(parseOrigins(many))).toEqual({ kind: 'tooMany' })
    expect(originsProblem(parseOrigins('https://ok.example'))).toBeNull()
  })
})

describe('editing a site', () => {
  it('sends only what changed', () => {
    const same = { name: 'Shop', allowedOrigins: ['https://shop.example.com'], requireIdentity: false, teamId: null, locale: 'fa' as const }
    expect(sitePatch(SITE, same)).toEqual({})
    expect(sitePatch(SITE, { ...same, allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'], teamId: 't-1' })).toEqual({
      allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
      teamId: 't-1',
    })
    expect(sitePatch({ ...SITE, teamId: 't-1' }, { ...same, requireIdentity: true, locale: 'en' })).toEqual({
      requireIdentity: true,
      teamId: null,
      locale: 'en',
    })
  })

  it('names a wrong line before asking, in Persian with Persian digits', async () => {
    setLocale('fa')
    vi.spyOn(client.support, 'teams').mockResolvedValue([])
    const create = vi.spyOn(client.support.sites, 'create')
    renderUi(<SiteDialog site={null} onClose={() => {}} onCreated={() => {}} onSaved={() => {}} />)
    const user = userEvent.setup()
    await user.type(await screen.findByRole('textbox', { name: /نام سایت/ }), 'فروشگاه')
    await user.type(screen.getByRole('textbox', { name: /مبدأهای مجاز/ }), 'https://shop.example.com{Enter}https://shop.example.com/chat')
    await user.click(screen.getByRole('button', { name: 'ساختن' }))
    expect(await screen.findByText(/خط \u2068۲\u2069/)).toBeTruthy()
    expect(create).not.toHaveBeenCalled()
  })

  it('puts the server’s refusal of an origin on its line, and shows the secret of a new site', async () => {
    setLocale('en')
    vi.spyOn(client.support, 'teams').mockResolvedValue([])
    const create = vi
      .spyOn(client.support.sites, 'create')
      .mockRejectedValueOnce(
        new CaravanError({
          type: 'validation',
          title: 'The site is not valid',
          status: 400,
          errors: [{ field: 'body.allowedOrigins.1', message: 'must be an origin' }],
        }),
      )
      .mockResolvedValueOnce({ site: SITE, identitySecret: 'cws_secret' })
    const onCreated = vi.fn()
    renderUi(<SiteDialog site={null} onClose={() => {}} onCreated={onCreated} onSaved={() => {}} />)
    const user = userEvent.setup()
    await user.type(await screen.findByRole('textbox', { name: /Site name/ }), 'Shop')
    const origins = screen.getByRole('textbox', { name: /Allowed origins/ })
    await user.type(origins, 'https://shop.example.com{Enter}{Enter}http://localhost:8080')
    await user.click(screen.getByRole('button', { name: 'Create' }))
    expect(await screen.findByText(/Line \u20683\u2069 \(\u2068http:\/\/localhost:8080\u2069\)/)).toBeTruthy()
    expect(create).toHaveBeenLastCalledWith({
      name: 'Shop',
      allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
      requireIdentity: false,
      teamId: null,
      locale: 'en',
    })
    await user.click(screen.getByRole('button', { name: 'Create' }))
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(SITE, 'cws_secret'))
  })
})

const conversation = (id: string, lastMessageAt: string, fields: Partial<SupportConversation> = {}): SupportConversation => ({
  id,
  siteId: 's-1',
  siteName: 'Shop',
  visitor: { id: 'v-1', name: null, email: null, identified: false },
  teamId: 't-1',
  assigneeId: null,
  status: 'open',
  ticketId: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  lastMessageAt,
  ...fields,
})

describe('live chats in the cache', () => {
  it('moves the last activity of a held conversation on a newer message only', () => {
    const key = conversationKeys.list('open')
    queryClient.setQueryData<InfiniteData<SupportConversationPage, string | undefined>>(key, {
      pages: [
        { items: [conversation('c-1', '2030-01-01T10:00:00.000Z'), conversation('c-2', '2030-01-01T10:00:00.000Z')], nextCursor: null },
      ],
      pageParams: [undefined],
    })
    const before = queryClient.getQueryData(key)
    touchConversation({ conversationId: 'c-9', createdAt: '2030-01-01T11:00:00.000Z' })
    touchConversation({ conversationId: 'c-1', createdAt: '2030-01-01T09:00:00.000Z' })
    expect(queryClient.getQueryData(key)).toBe(before)
    touchConversation({ conversationId: 'c-2', createdAt: '2030-01-01T11:00:00.000Z' })
    const items = queryClient.getQueryData<InfiniteData<SupportConversationPage>>(key)!.pages[0]!.items
    expect(items.map((c) => c.lastMessageAt)).toEqual(['2030-01-01T10:00:00.000Z', '2030-01-01T11:00:00.000Z'])
  })
})

describe('the pages', () => {
  // The pages read and write through the app's query client (as in the app).
  const renderPage = (page: ReactNode) => renderUi(<QueryClientProvider client={queryClient}>{page}</QueryClientProvider>)

  it('rotates a site’s secret after asking, and shows it once with the embed code', async () => {
    setLocale('en')
    vi.spyOn(client.support, 'teams').mockResolvedValue([])
    vi.spyOn(client.support.sites, 'list').mockResolvedValue([
      { ...SITE, allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'] },
    ])
    const rotate = vi.spyOn(client.support.sites, 'rotateSecret').mockResolvedValue({ identitySecret: 'cws_new' })
    renderPage(<Sites />)
    await screen.findByText('http://localhost:8080')
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: /^Rotate secret: .Shop.$/ }))
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Rotate secret' }))
    expect(rotate).toHaveBeenCalledWith('s-1')
    const shown = await screen.findByRole('region', { name: /Identity secret of .Shop./ })
    expect(within(shown).getByTestId('site-identity-secret').textContent).toBe('cws_new')
    expect(within(shown).getByTestId('site-snippet').textContent).toBe(SITE.snippet)
    await waitFor(() => expect(document.activeElement).toBe(within(shown).getByRole('heading', { level: 2 })))
    await user.click(within(shown).getByRole('button', { name: 'I have copied it' }))
    expect(screen.queryByTestId('site-identity-secret')).toBeNull()
  })

  it('lists live chats in Persian: Visitor for no name, Jalali time in Tehran, the ticket instead of Escalate', async () => {
    setLocale('fa')
    vi.spyOn(client.support, 'agents').mockResolvedValue([])
    const list = vi.spyOn(client.support.conversations, 'list').mockResolvedValue({
      items: [
        conversation('c-1', '2030-03-21T10:30:00.000Z', { visitor: { id: 'v', name: null, email: 'v@example.com', identified: true } }),
        conversation('c-2', '2030-03-21T10:30:00.000Z', {
          visitor: { id: 'w', name: 'Sara', email: null, identified: false },
          ticketId: 'tk',
        }),
      ],
      nextCursor: null,
    })
    renderPage(<Conversations />)
    await screen.findByText('v@example.com')
    expect(list).toHaveBeenCalledWith({ status: 'open', cursor: undefined }, expect.anything())
    expect(screen.getByText('تأییدشده')).toBeTruthy()
    expect(screen.getAllByText('۱ فروردین ۱۴۰۹، ۱۴:۰۰')).toHaveLength(2)
    // Open is a button: it joins the conversation first (agents outside the site's team), then opens /chat/c-1.
    expect(screen.getAllByRole('button', { name: /باز کردن: گفتگو با .بازدیدکننده./ })).toHaveLength(1)
    expect(screen.getByRole('link', { name: /تیکت: .Sara./ }).getAttribute('href')).toBe('/console/support/tickets/tk')
    expect(screen.getAllByRole('button', { name: /^تبدیل به تیکت/ })).toHaveLength(1)
  })
})
