// Who a widget call comes from, checked in full on every request and socket event: the site
// (X-Caravan-Site), the page's origin (one the site allows), the visitor token (signed by us, for
// this site), and the host's identity signature (required when the site says so, and always for a
// visitor who was identified: a token alone never stands in for the signature).
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Auth, UserPrincipal, WidgetCredentials } from '../../core/http/auth'
import { headerValue, WIDGET_IDENTITY_HEADER, WIDGET_SITE_HEADER } from '../../core/http/auth'
import { AppError, defineProblemTypes } from '../../core/http/errors'
import { identitySignature } from '../accounts'
import type { LiveSite, WidgetSites } from './widget-sites'

declare module '../../core/http/errors' {
  interface ProblemTypes {
    widget_site_unknown: true
    origin_not_allowed: true
    identity_required: true
  }
}
defineProblemTypes({
  widget_site_unknown: { status: 401, title: 'No widget site has this token' },
  origin_not_allowed: { status: 403, title: "This page's origin may not use the site's widget" },
  identity_required: { status: 401, title: 'This site requires a verified identity on every call' },
})

const VISITOR_PURPOSE = 'widget-visitor'
/** Visitors come back for months; the token only names them (every call is checked anyway). */
const VISITOR_TOKEN_TTL_SECONDS = 365 * 86_400

function signatureMatches(secret: string, externalId: string, signature: string) {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false
  return timingSafeEqual(Buffer.from(identitySignature(secret, externalId), 'hex'), Buffer.from(signature.toLowerCase(), 'hex'))
}

/** What a call made before there is a visitor (config, sessions) presents: the site, its page's origin, the identity. */
export interface SiteCall {
  site: string | undefined
  origin: string | undefined
  identity: string | undefined
}

export function siteCall(request: FastifyRequest): SiteCall {
  return {
    site: headerValue(request, WIDGET_SITE_HEADER),
    origin: headerValue(request, 'origin'),
    identity: headerValue(request, WIDGET_IDENTITY_HEADER),
  }
}

/**
 * The widget's first call (its config) names the site in the query (`?site=`) and sends no custom
 * header: a CORS "simple" GET needs no preflight, a round trip less before the launcher paints.
 */
export function siteQueryCall(request: FastifyRequest): SiteCall {
  const site = (request.query as Record<string, unknown> | undefined)?.site
  return { site: typeof site === 'string' ? site : undefined, origin: headerValue(request, 'origin'), identity: undefined }
}

export function createWidgetAuth(deps: { auth: Auth; sites: WidgetSites; userExists: (userId: string) => Promise<boolean> }) {
  const { auth, sites } = deps

  /** The site named by the token, used from an origin it allows. */
  async function siteFor(token: string | undefined, origin: string | undefined): Promise<LiveSite> {
    const site = token ? await sites.live(token) : null
    if (!site) throw new AppError('widget_site_unknown', 'Send the site token from the embed snippet in X-Caravan-Site')
    if (!origin || !site.allowedOrigins.includes(origin))
      throw new AppError('origin_not_allowed', `The origin ${origin ?? '(none)'} is not among the site's allowed origins`)
    return site
  }

  /** `<externalId>:<signature>` checked against the site's secret; the externalId, or null when none was given. */
  function identityOf(site: LiveSite, identity: string | undefined): string | null {
    if (!identity) {
      if (site.requireIdentity) throw new AppError('identity_required', 'Send X-Caravan-Identity: <externalId>:<signature>')
      return null
    }
    const at = identity.lastIndexOf(':')
    const externalId = at > 0 ? identity.slice(0, at) : ''
    if (!externalId || externalId.length > 128 || !signatureMatches(site.secret, externalId, identity.slice(at + 1)))
      throw new AppError('invalid_signature', "The identity signature does not match this externalId under the site's secret")
    return externalId
  }

  /** The check behind every widget call (HTTP and socket). */
  async function resolve(c: WidgetCredentials): Promise<UserPrincipal> {
    const site = await siteFor(c.site, c.origin)
    const externalId = identityOf(site, c.identity)
    const verified = await auth.verifyPurposeToken(VISITOR_PURPOSE, c.token)
    if (!verified || verified.claims.site !== site.id) throw new AppError('invalid_token', 'The visitor token is not valid for this site')
    const tokenExternalId = typeof verified.claims.x === 'string' ? verified.claims.x : null
    if (tokenExternalId !== externalId)
      throw new AppError(
        tokenExternalId ? 'identity_required' : 'invalid_token',
        tokenExternalId ? "This visitor's calls need their identity signature" : 'The visitor token belongs to another visitor',
      )
    if (!(await deps.userExists(verified.subject))) throw new AppError('invalid_token', 'The visitor no longer exists')
    return { kind: 'user', userId: verified.subject, role: 'customer', sessionId: `widget:${site.id}`, widgetSiteId: site.id }
  }

  function visitorToken(siteId: string, userId: string, externalId: string | null) {
    return auth.signPurposeToken(
      VISITOR_PURPOSE,
      userId,
      { site: siteId, ...(externalId ? { x: externalId } : {}) },
      VISITOR_TOKEN_TTL_SECONDS,
    )
  }

  return {
    resolve,
    siteFor,
    identityOf,
    visitorToken,
    verifyVisitorToken: (token: string) => auth.verifyPurposeToken(VISITOR_PURPOSE, token),
  }
}

export type WidgetAuth = ReturnType<typeof createWidgetAuth>
