// The Dockerfile and compose.yaml, checked without a Docker engine: every variable they set is a
// documented setting that config.ts reads (and their values pass it), the image runs the file the
// build writes as a non-root user, and its health check asks /readyz.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, SERVER_ENTRY } from '../../scripts/build.mjs'
import { loadConfig } from '../src/config'

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

// --- Dockerfile -------------------------------------------------------------------------------

interface Instruction {
  keyword: string
  args: string
}

/** Instructions per stage (continued lines joined, comments dropped). */
function parseDockerfile(text: string): Instruction[][] {
  const stages: Instruction[][] = []
  const joined = text.replace(/\\\n/g, ' ')
  for (const line of joined.split('\n')) {
    const trimmed = line.trim()
    if (!trimmed || trimmed.startsWith('#')) continue
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(trimmed) ?? []
    if (!keyword) throw new Error(`Dockerfile: cannot read "${trimmed}"`)
    if (keyword.toUpperCase() === 'FROM') stages.push([])
    // ARG before the first FROM belongs to no stage.
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args: args!.trim() })
  }
  return stages
}

/** `ENV A=1 B="two words"` → { A: '1', B: 'two words' }. */
function envOf(args: string): Record<string, string> {
  const pairs = [...args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)]
  if (pairs.length === 0) throw new Error(`ENV without KEY=value: ${args}`)
  return Object.fromEntries(pairs.map(([, key, value]) => [key!, value!.startsWith('"') ? JSON.parse(value!) : value!]))
}

/** Exec form only (`["node", ...]`): the shell form would run node under /bin/sh, which does not pass SIGTERM on. */
const execForm = (args: string): string[] => {
  if (!args.startsWith('[')) throw new Error(`not in exec form: ${args}`)
  return JSON.parse(args)
}

// --- compose.yaml -----------------------------------------------------------------------------

type Yaml = string | Yaml[] | { [key: string]: Yaml }

/**
 * The YAML compose.yaml uses, and no more: block mappings and sequences by indentation, plain and
 * quoted scalars, flow sequences of scalars, comments. Anything else (anchors,
 * aliases, block or flow mappings, multi-line strings) is refused, so it cannot be misread.
 */
function parseYaml(text: string): Yaml {
  const lines = text
    .split('\n')
    .map(stripComment)
    .filter((line) => line.trim() !== '')
    .map((line) => ({ indent: line.length - line.trimStart().length, text: line.trim() }))
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`compose.yaml: ${why} at "${lines[i]?.text}"`)
  }

  function scalar(raw: string): Yaml {
    if (/^[&*|>{!%@`]/.test(raw) || /\s[&*]\w/.test(raw)) return fail('unsupported YAML')
    if (raw.startsWith('[') && raw.endsWith(']')) return flowItems(raw.slice(1, -1)).map(scalar)
    if (raw.startsWith('"')) return JSON.parse(raw)
    if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'")
    return raw
  }

  function block(indent: number): Yaml {
    if (lines[i]!.text.startsWith('- ')) {
      const items: Yaml[] = []
      while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('- ')) {
        items.push(scalar(lines[i]!.text.slice(2).trim()))
        i++
      }
      return items
    }
    const map: Record<string, Yaml> = {}
    while (i < lines.length && lines[i]!.indent === indent) {
      const [, key, value] = /^([\w.-]+):(?:\s+(.+))?$/.exec(lines[i]!.text) ?? fail('expected "key: value"')
      if (key! in map) fail(`duplicate key ${key}`)
      i++
      if (value !== undefined) map[key!] = scalar(value)
      else if (i < lines.length && lines[i]!.indent > indent) map[key!] = block(lines[i]!.indent)
      else map[key!] = ''
    }
    if (i < lines.length && lines[i]!.indent > indent) fail('unexpected indentation')
    return map
  }

  const root = block(0)
  if (i < lines.length) fail('unexpected indentation')
  return root
}

/** The items of a flow sequence, split at commas outside quotes: `'a', "b, c"` → [`'a'`, `"b, c"`]. */
function flowItems(inner: string): string[] {
  const items: string[] = []
  let current = ''
  let quote = ''
  for (let c = 0; c < inner.length; c++) {
    const ch = inner[c]!
    if (quote === '"' && ch === '\\') current += ch + inner[++c]
    else if (quote) {
      if (ch === quote) quote = ''
      current += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      current += ch
    } else if (ch === ',') {
      items.push(current.trim())
      current = ''
    } else if ('[]{}'.includes(ch)) throw new Error(`compose.yaml: unsupported YAML in [${inner}]`)
    else current += ch
  }
  if (quote) throw new Error(`compose.yaml: unclosed quote in [${inner}]`)
  if (current.trim()) items.push(current.trim())
  return items
}

/** Drops a comment: a line starting with #, or " #" outside quotes. */
function stripComment(line: string): string {
  let quote = ''
  for (let c = 0; c < line.length; c++) {
    const ch = line[c]!
    if (quote) {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '#' && (c === 0 || /\s/.test(line[c - 1]!))) return line.slice(0, c)
  }
  return line
}

/** Compose's ${VAR:-default} gives the default, ${VAR}, ${VAR:?message} a sample value of 40 characters. */
const interpolate = (value: string) =>
  value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, _name, fallback) => fallback ?? 'x'.repeat(40))

// --- the checks -------------------------------------------------------------------------------

const stages = parseDockerfile(read('Dockerfile'))
const runtime = stages.at(-1)!
const compose = parseYaml(read('compose.yaml')) as { services: Record<string, Record<string, Yaml>> }
/** The services that run the image this Dockerfile builds. */
const caravanServices = Object.entries(compose.services).filter(([, service]) => service.build === '.')

/** Every name in the first column of the settings table of docs/configuration.md. */
const documented = new Set(
  read('docs/configuration.md')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)),
)
const configSource = read('server/src/config.ts')

describe('Dockerfile and compose.yaml', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'caravan-deploy-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('set only documented settings that config.ts reads', () => {
    const set = new Map<string, string>()
    for (const stage of stages)
      for (const ins of stage.filter((x) => x.keyword === 'ENV'))
        for (const name of Object.keys(envOf(ins.args))) set.set(name, 'Dockerfile')
    for (const [name, service] of caravanServices)
      for (const key of Object.keys(service.environment as object)) set.set(key, `compose.yaml ${name}`)
    expect(set.size).toBeGreaterThan(5)
    for (const [name, where] of set) {
      expect(documented.has(name), `${name} (${where}) is not in docs/configuration.md`).toBe(true)
      expect(configSource, `${name} (${where}) is not read by config.ts`).toMatch(new RegExp(`env\\.${name}\\b|'${name}'`))
    }
  })

  it('give settings config.ts accepts, and the api and worker roles', () => {
    const imageEnv = Object.assign({}, ...runtime.filter((x) => x.keyword === 'ENV').map((x) => envOf(x.args)))
    expect(caravanServices.map(([name]) => name).sort()).toEqual(['api', 'worker'])
    for (const [name, service] of caravanServices) {
      const env = Object.fromEntries(
        Object.entries(service.environment as Record<string, string>).map(([k, v]) => [k, interpolate(String(v))]),
      )
      const config = loadConfig({ ...imageEnv, ...env, DATA_DIR: dataDir }, service.command as string[])
      expect(config.role).toBe(name)
      expect(config.databaseUrl).toMatch(/^postgres:\/\/caravan:x+@postgres:5432\/caravan$/)
      expect(config.redisUrl).toBe('redis://redis:6379')
      // Docker's SIGKILL comes after stop_grace_period: the node's own deadline must end first.
      expect(Number(/^(\d+)s$/.exec(String(service.stop_grace_period))?.[1]) * 1000).toBeGreaterThan(config.shutdownDeadlineMs)
    }
    expect((compose.services.postgres!.image as string).startsWith('postgres:')).toBe(true)
    expect((compose.services.redis!.image as string).startsWith('redis:')).toBe(true)
  })

  it('run the file the build writes, with node, whatever command compose gives', () => {
    const entrypoint = execForm(runtime.findLast((x) => x.keyword === 'ENTRYPOINT')!.args)
    const workdir = runtime.findLast((x) => x.keyword === 'WORKDIR')!.args
    expect(entrypoint[0]).toBe('node')
    // In ENTRYPOINT, not CMD: compose's `command` replaces CMD only.
    expect(entrypoint.map((arg) => join(workdir, arg))).toContain(join(workdir, SERVER_ENTRY))
    expect(execForm(runtime.findLast((x) => x.keyword === 'CMD')!.args)).toEqual(['start'])
    // The runtime stage gets the build's output folder from the build stage, and installs production dependencies only.
    const copies = runtime.filter((x) => x.keyword === 'COPY' && x.args.startsWith('--from=build'))
    expect(copies.map((x) => join(workdir, x.args.split(/\s+/).at(-1)!))).toContain(join(workdir, SERVER_ENTRY, '..'))
    expect(runtime.some((x) => x.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(x.args))).toBe(true)
    expect(stages[0]!.some((x) => x.keyword === 'RUN' && x.args === 'npm run build')).toBe(true)
  })

  it('run as a non-root user, with a health check on /readyz that needs no curl', () => {
    const user = runtime.findLast((x) => x.keyword === 'USER')!.args
    expect(['root', '0', '0:0']).not.toContain(user)
    // The user is set after the last RUN (so it is what the container runs as) and is not root.
    expect(runtime.findLastIndex((x) => x.keyword === 'USER')).toBeGreaterThan(runtime.findLastIndex((x) => x.keyword === 'RUN'))
    const healthcheck = runtime.find((x) => x.keyword === 'HEALTHCHECK')!.args
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim())
    expect(command[0]).toBe('node')
    expect(command.join(' ')).toContain('/readyz')
  })

  it('keep installed and built files out of the build context', () => {
    const ignored = read('.dockerignore').split('\n')
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']))
  })

  it('are read by a parser that refuses what it does not know', () => {
    expect(parseYaml("a:\n  b: \"x\" # note\n  c:\n    - 1\n    - 'it''s'\nd: [\"e, f\", 'g', h]\n")).toEqual({
      a: { b: 'x', c: ['1', "it's"] },
      d: ['e, f', 'g', 'h'],
    })
    expect(() => parseYaml('a: [[1]]\n')).toThrow(/unsupported/)
    expect(() => parseYaml('a: &anchor\n  b: 1\n')).toThrow(/unsupported/)
    expect(() => parseYaml('a: {b: 1}\n')).toThrow(/unsupported/)
    expect(() => parseYaml('a: |\n  text\n')).toThrow(/unsupported/)
  })
})
