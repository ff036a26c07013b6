import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

const dir = () => mkdtempSync(join(tmpdir(), 'caravan-config-'))

describe('loadConfig', () => {
  it('runs on defaults alone and generates secrets once into DATA_DIR', () => {
    const dataDir = dir()
    const a = loadConfig({ DATA_DIR: dataDir })
    expect(a).toMatchObject({ port: 3000, role: 'all', databaseUrl: undefined, redisUrl: undefined, publicUrl: 'http://localhost:3000' })
    expect(a.jwtSecret.length).toBeGreaterThanOrEqual(32)
    const b = loadConfig({ DATA_DIR: dataDir })
    expect(b.jwtSecret).toBe(a.jwtSecret)
    expect(b.secretsKey).toBe(a.secretsKey)
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).JWT_SECRET).toBe(a.jwtSecret)
  })

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CORS_ORIGINS: 'https://ok.example.com,not an origin' }, 'CORS_ORIGINS'],
    [{ ADMIN_EMAIL: 'a@b.c' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'long enough' }, 'ADMIN_EMAIL'],
    [{ ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ LOG_FORMAT: 'fancy' }, 'LOG_FORMAT'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '0' }, 'SHUTDOWN_TIMEOUT_SECONDS'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '1.5' }, 'SHUTDOWN_TIMEOUT_SECONDS'],
    [{ SHUTDOWN_TIMEOUT_MS: '10000' }, 'SHUTDOWN_TIMEOUT_MS'],
  ])('refuses %j naming %s in one line', (env, setting) => {
    let error: unknown
    try {
      loadConfig({ DATA_DIR: dir(), ...env })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).setting).toBe(setting)
    expect((error as Error).message).toMatch(new RegExp(`^Invalid setting ${setting}: `))
    expect((error as Error).message).not.toContain('\n')
  })

  it('reads the role from --role', () => {
    expect(loadConfig({ DATA_DIR: dir() }, ['--role', 'worker']).role).toBe('worker')
    expect(loadConfig({ DATA_DIR: dir() }, ['--role=api']).role).toBe('api')
    expect(() => loadConfig({ DATA_DIR: dir() }, ['--role', 'boss'])).toThrow(ConfigError)
    expect(loadConfig({ DATA_DIR: dir() }, ['migrate']).role).toBe('all')
    expect(loadConfig({ DATA_DIR: dir(), CARAVAN_ROLE: 'api' }, ['start']).role).toBe('api')
  })

  it('reads the log format and the shutdown deadline, keeping part of the deadline for closing connections', () => {
    const defaults = loadConfig({ DATA_DIR: dir() })
    expect(defaults).toMatchObject({ logFormat: undefined, shutdownDeadlineMs: 30_000, shutdownTimeoutMs: 25_000 })
    expect(loadConfig({ DATA_DIR: dir(), LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty')
    expect(loadConfig({ DATA_DIR: dir(), LOG_FORMAT: 'json' }).logFormat).toBe('json')
    expect(loadConfig({ DATA_DIR: dir(), SHUTDOWN_TIMEOUT_SECONDS: '2' })).toMatchObject({
      shutdownDeadlineMs: 2000,
      shutdownTimeoutMs: 1600,
    })
  })

  it('finds the web app next to the server package', () => {
    expect(loadConfig({ DATA_DIR: dir() }).webDistDir).toBe(fileURLToPath(new URL('../../web/dist', import.meta.url)))
  })
})
