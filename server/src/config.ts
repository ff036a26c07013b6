// Every setting Caravan reads, validated once at start. A bad value stops start-up with one line
// naming the setting (ConfigError), never a stack trace deep inside a module.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseClamdUrl } from './core/files/clamd'
import { KNOWN_WEB_PUSH_HOSTS } from './core/net/web-push-hosts'
import { generateVapidKeys } from './modules/notifications/providers/push/webpush'
import { serverPath } from './core/util/paths'

export type Role = 'all' | 'api' | 'worker'
export type LogFormat = 'json' | 'pretty'

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string
  publicUrl: string
  corsOrigins: string[]
  bodyLimitBytes: number
  logLevel: string
  /** LOG_FORMAT; undefined: pretty when stdout is a terminal, JSON otherwise. */
  logFormat: LogFormat | undefined
  role: Role
  jwtSecret: string
  secretsKey: string
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  rateLimitPerMinute: number
  /** POST /v1/uploads per client address per minute. */
  uploadRateLimitPerMinute: number
  authRateLimitPerMinute: number
  trustProxy: boolean
  loginMaxFailures: number
  loginWindowSeconds: number
  adminEmail: string | undefined
  adminPassword: string | undefined
  /** SHUTDOWN_TIMEOUT_SECONDS: a stopping node exits within this, with code 1 when work was still running. */
  shutdownDeadlineMs: number
  /** How long of that jobs in flight may run on before they are released to another worker; the rest is for closing connections. */
  shutdownTimeoutMs: number
  /** How often pg-boss archives finished jobs and drops old ones (one node at a time). */
  jobsMaintenanceSeconds: number
  /** How often each node looks for jobs past their expiry (their worker died), so they run again within seconds. */
  jobsExpireCheckSeconds: number
  /** Days a job that failed for good stays in its queue's dead letters (`<queue>-dead`). */
  deadLetterRetentionDays: number
  /** A fan-out chunk job (500 recipients) running longer than this is presumed dead and run again. */
  notifyFanoutExpireSeconds: number
  /** A delivery job running longer than this is presumed dead; undefined: derived from the providers' longest timeouts. */
  notifyDeliverExpireSeconds: number | undefined
  /** Per provider (per push service for Web Push) and node: transient failures in a row that open the circuit, and for how long. */
  notifyBreaker: { threshold: number; openSeconds: number }
  /** A delivery every provider's open circuit holds back waits (growing pauses) at most this many times and this long, then fails. */
  notifyDeferral: { limit: number; maxSeconds: number }
  brandName: string
  /** Notification providers given in env (JSON array of { provider, priority?, maxPerSecond?, config }). */
  notifyProviders: {
    provider: string
    priority?: number
    maxPerSecond?: number | null
    enabled?: boolean
    config: Record<string, unknown>
  }[]
  /** Allow user-supplied URLs (Web Push endpoints) on loopback addresses: tests only. */
  allowLoopbackUrls: boolean
  /** Push-service hosts Web Push subscriptions may point at: the known services plus WEBPUSH_ALLOWED_HOSTS. */
  webPushAllowedHosts: string[]
  /**
   * The VAPID key pair (base64url) of the built-in Web Push sender, which the web app subscribes
   * with: WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_VAPID_PRIVATE_KEY, else made at first start and kept
   * in DATA_DIR/secrets.json. `subject`: WEBPUSH_SUBJECT, the contact push services are given.
   */
  webPush: { publicKey: string; privateKey: string; subject: string }
  /** Registering a device past this many removes the user's least recently seen one. */
  maxDevicesPerUser: number
  webDistDir: string
  /** Self-registered accounts must verify their e-mail address before they can sign in. */
  emailVerification: boolean
  emailVerificationTtlSeconds: number
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined
  /** A request whose headers and body have not fully arrived within this is cut off (slow clients). */
  requestTimeoutMs: number
  /** CLAMD_URL: ClamAV's daemon (tcp://host:port or unix:///path) scanning uploads; undefined: uploads are stored unscanned. */
  clamdUrl: string | undefined
  /** SUPPORT_SMTP_PORT / SUPPORT_SMTP_HOST: where the support desk receives mail (an MX); undefined: no listener. */
  supportSmtp: { port: number; host: string } | undefined
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`Invalid setting ${setting}: ${message}`)
  }
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const LOG_FORMATS: LogFormat[] = ['json', 'pretty']

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
  return value
}

function optionalInt(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]
  return raw === undefined || raw === '' ? undefined : int(env, name, 0, min, max)
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false
  throw new ConfigError(name, `must be true or false, got "${raw}"`)
}

function jsonProviders(env: Env): Config['notifyProviders'] {
  const raw = env.NOTIFY_PROVIDERS
  if (!raw) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new ConfigError('NOTIFY_PROVIDERS', 'must be a JSON array')
  }
  if (!Array.isArray(parsed)) throw new ConfigError('NOTIFY_PROVIDERS', 'must be a JSON array')
  parsed.forEach((p, i) => {
    if (!p || typeof p !== 'object' || typeof p.provider !== 'string' || !p.config || typeof p.config !== 'object') {
      throw new ConfigError('NOTIFY_PROVIDERS', `item ${i} needs "provider" (a name) and "config" (an object)`)
    }
  })
  return parsed
}

function metricsToken(env: Env): string | undefined {
  const token = env.METRICS_TOKEN
  if (token === undefined || token === '') return undefined
  if (token.length < 16 || /\s/.test(token)) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters with no spaces')
  return token
}

/** WEBPUSH_ALLOWED_HOSTS: comma-separated host names or IP literals, "*.example.com" for every name below example.com. */
function webPushHosts(env: Env): string[] {
  const extra = (env.WEBPUSH_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
    .map((host) => {
      const wildcard = host.startsWith('*.')
      const name = wildcard ? host.slice(2) : host
      // A bare host only: no scheme, port, path or user, and IPv6 in brackets ([::1]).
      const bad = !name || /[/?#@\s]/.test(name) || (!name.startsWith('[') && name.includes(':'))
      let parsed = ''
      try {
        if (!bad) parsed = new URL(`https://${name}/`).hostname // also the canonical form: [::ffff:127.0.0.1] → [::ffff:7f00:1]
      } catch {}
      if (!parsed) {
        const example = 'give names like push.example.com or *.push.example.com'
        throw new ConfigError('WEBPUSH_ALLOWED_HOSTS', `"${host}" is not a host name (${example})`)
      }
      return wildcard ? `*.${parsed}` : parsed
    })
  return [...KNOWN_WEB_PUSH_HOSTS, ...extra]
}

function clamdUrl(env: Env): string | undefined {
  const raw = env.CLAMD_URL
  if (raw === undefined || raw === '') return undefined
  try {
    parseClamdUrl(raw)
  } catch {
    throw new ConfigError('CLAMD_URL', `must be tcp://host:port or unix:///path/to/clamd.ctl, got "${raw}"`)
  }
  return raw
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')}, got "${parsed.protocol}//"`)
  }
  return raw
}

function secret(env: Env, name: string, stored: Record<string, string>): string {
  const given = env[name]
  if (given !== undefined && given !== '') {
    if (given.length < 32) throw new ConfigError(name, 'must be at least 32 characters long')
    return given
  }
  stored[name] ??= randomBytes(32).toString('base64url')
  return stored[name]
}

const B64URL = /^[A-Za-z0-9_-]+$/

/** The VAPID pair from env (both or neither), else the stored one, else a new P-256 pair stored for the next start. */
function vapidKeys(env: Env, stored: Record<string, string>): { publicKey: string; privateKey: string } {
  const publicKey = env.WEBPUSH_VAPID_PUBLIC_KEY || undefined
  const privateKey = env.WEBPUSH_VAPID_PRIVATE_KEY || undefined
  if (publicKey || privateKey) {
    if (!publicKey || !privateKey) {
      throw new ConfigError(
        publicKey ? 'WEBPUSH_VAPID_PRIVATE_KEY' : 'WEBPUSH_VAPID_PUBLIC_KEY',
        'the VAPID public and private keys must be given together',
      )
    }
    if (!B64URL.test(publicKey) || Buffer.from(publicKey, 'base64url').length !== 65) {
      throw new ConfigError('WEBPUSH_VAPID_PUBLIC_KEY', 'must be an uncompressed P-256 public key (65 bytes), base64url')
    }
    if (!B64URL.test(privateKey) || Buffer.from(privateKey, 'base64url').length !== 32) {
      throw new ConfigError('WEBPUSH_VAPID_PRIVATE_KEY', 'must be a P-256 private key (32 bytes), base64url')
    }
    return { publicKey, privateKey }
  }
  if (!stored.WEBPUSH_VAPID_PUBLIC_KEY || !stored.WEBPUSH_VAPID_PRIVATE_KEY) {
    const made = generateVapidKeys()
    stored.WEBPUSH_VAPID_PUBLIC_KEY = made.publicKey
    stored.WEBPUSH_VAPID_PRIVATE_KEY = made.privateKey
  }
  return { publicKey: stored.WEBPUSH_VAPID_PUBLIC_KEY, privateKey: stored.WEBPUSH_VAPID_PRIVATE_KEY }
}

/** Whom push services may contact about our sends: WEBPUSH_SUBJECT, else an https PUBLIC_URL, else the admin's address. */
function webPushSubject(env: Env, publicUrl: string, adminEmail: string | undefined): string {
  const given = env.WEBPUSH_SUBJECT
  if (given) {
    if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(given))
      throw new ConfigError('WEBPUSH_SUBJECT', 'must be a mailto: address or an https: URL')
    return given
  }
  if (publicUrl.startsWith('https:')) return publicUrl
  return `mailto:${adminEmail ?? `admin@${new URL(publicUrl).hostname}`}`
}

/** Secrets not given in env are generated once and kept in DATA_DIR/secrets.json (mode 600). */
function loadStoredSecrets(dataDir: string): { values: Record<string, string>; save: () => void } {
  const file = join(dataDir, 'secrets.json')
  const values: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
  const before = JSON.stringify(values)
  return {
    values,
    save: () => {
      if (JSON.stringify(values) !== before) writeFileSync(file, JSON.stringify(values, null, 2), { mode: 0o600 })
    },
  }
}

export function loadConfig(env: Env = process.env, argv: string[] = []): Config {
  const port = int(env, 'PORT', 3000, 0, 65535)
  const dataDir = resolve(env.DATA_DIR || './data')
  try {
    mkdirSync(dataDir, { recursive: true })
  } catch (e) {
    throw new ConfigError('DATA_DIR', `cannot create "${dataDir}": ${(e as Error).message}`)
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:'])
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`

  const roleAt = argv.indexOf('--role')
  const roleArg = argv.find((a) => a.startsWith('--role='))?.slice(7) ?? (roleAt >= 0 ? (argv[roleAt + 1] ?? '') : undefined)
  const role = (roleArg ?? (env.CARAVAN_ROLE || 'all')) as Role
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError('--role', `must be all, api or worker, got "${role}"`)

  const logLevel = env.LOG_LEVEL || 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`)
  const logFormat = (env.LOG_FORMAT || undefined) as LogFormat | undefined
  if (logFormat && !LOG_FORMATS.includes(logFormat)) throw new ConfigError('LOG_FORMAT', `must be json or pretty, got "${logFormat}"`)

  if (env.SHUTDOWN_TIMEOUT_MS) throw new ConfigError('SHUTDOWN_TIMEOUT_MS', 'was replaced by SHUTDOWN_TIMEOUT_SECONDS (whole seconds)')
  const shutdownDeadlineMs = int(env, 'SHUTDOWN_TIMEOUT_SECONDS', 30, 1, 3600) * 1000

  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin like https://app.example.com`)
    }
  }

  const adminEmail = env.ADMIN_EMAIL || undefined
  const adminPassword = env.ADMIN_PASSWORD || undefined
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError(adminEmail ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL', 'ADMIN_EMAIL and ADMIN_PASSWORD must be given together')
  }
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', `"${adminEmail}" is not an email address`)
  if (adminPassword && adminPassword.replace(/\s/gu, '').length < 8) {
    throw new ConfigError('ADMIN_PASSWORD', 'must contain at least 8 characters other than spaces')
  }

  // The older NOTIFY_JOB_EXPIRE_SECONDS sets both notification queues' expiry unless their own settings are given.
  const notifyJobExpire = optionalInt(env, 'NOTIFY_JOB_EXPIRE_SECONDS', 1, 86_400)

  const stored = loadStoredSecrets(dataDir)
  const jwtSecret = secret(env, 'JWT_SECRET', stored.values)
  const secretsKey = secret(env, 'SECRETS_KEY', stored.values)
  const webPush = { ...vapidKeys(env, stored.values), subject: webPushSubject(env, publicUrl, adminEmail) }
  stored.save()

  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl,
    redisUrl,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'caravan:',
    publicUrl,
    corsOrigins,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 1_073_741_824),
    logLevel,
    logFormat,
    role,
    jwtSecret,
    secretsKey,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    authRateLimitPerMinute: int(env, 'AUTH_RATE_LIMIT_PER_MINUTE', 20, 1, 1_000_000),
    uploadRateLimitPerMinute: int(env, 'UPLOAD_RATE_LIMIT_PER_MINUTE', 30, 1, 1_000_000),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowSeconds: int(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
    adminEmail,
    adminPassword,
    shutdownDeadlineMs,
    // A fifth of the deadline, at most 5 s, is kept for closing the HTTP server, Redis and the database.
    shutdownTimeoutMs: shutdownDeadlineMs - Math.min(5000, shutdownDeadlineMs / 5),
    jobsMaintenanceSeconds: int(env, 'JOBS_MAINTENANCE_SECONDS', 60, 1, 3600),
    jobsExpireCheckSeconds: int(env, 'JOBS_EXPIRE_CHECK_SECONDS', 5, 1, 3600),
    deadLetterRetentionDays: int(env, 'DEAD_LETTER_RETENTION_DAYS', 30, 1, 3650),
    notifyFanoutExpireSeconds: optionalInt(env, 'NOTIFY_FANOUT_EXPIRE_SECONDS', 1, 86_400) ?? notifyJobExpire ?? 60,
    notifyDeliverExpireSeconds: optionalInt(env, 'NOTIFY_DELIVER_EXPIRE_SECONDS', 1, 86_400) ?? notifyJobExpire,
    notifyBreaker: {
      threshold: int(env, 'NOTIFY_BREAKER_THRESHOLD', 5, 1, 1000),
      openSeconds: int(env, 'NOTIFY_BREAKER_OPEN_SECONDS', 30, 1, 3600),
    },
    notifyDeferral: {
      limit: int(env, 'NOTIFY_DEFER_LIMIT', 10, 1, 1000),
      maxSeconds: int(env, 'NOTIFY_DEFER_MAX_SECONDS', 6 * 3600, 1, 7 * 86_400),
    },
    brandName: (env.BRAND_NAME || 'Caravan').slice(0, 100),
    notifyProviders: jsonProviders(env),
    allowLoopbackUrls: bool(env, 'ALLOW_LOOPBACK_URLS', false),
    webPushAllowedHosts: webPushHosts(env),
    webPush,
    maxDevicesPerUser: int(env, 'MAX_DEVICES_PER_USER', 20, 1, 1000),
    webDistDir: resolve(env.WEB_DIST_DIR || serverPath('..', 'web', 'dist')),
    // On by default, except on the embedded database (a first run or a demo, often with no e-mail provider).
    emailVerification: bool(env, 'EMAIL_VERIFICATION', databaseUrl !== undefined),
    emailVerificationTtlSeconds: int(env, 'EMAIL_VERIFICATION_TTL_SECONDS', 48 * 3600, 300, 30 * 86_400),
    metricsToken: metricsToken(env),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    clamdUrl: clamdUrl(env),
    supportSmtp:
      env.SUPPORT_SMTP_PORT !== undefined && env.SUPPORT_SMTP_PORT !== ''
        ? { port: int(env, 'SUPPORT_SMTP_PORT', 0, 0, 65535), host: env.SUPPORT_SMTP_HOST || '0.0.0.0' }
        : undefined,
  }
}
