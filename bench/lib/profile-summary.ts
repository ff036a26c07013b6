// Where a process spent its CPU: reads the V8 CPU profiles a benchmark wrote (--cpu-prof, see
// BENCH_CPU_PROFILE_DIR in chat/run.ts) and prints self time by package and by function.
//   npx tsx lib/profile-summary.ts <dir or .cpuprofile> [top=25] [from-to seconds into the profile, e.g. 40-70]
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Where a frame's code comes from: a package, Caravan's own source, Node itself, or V8's own buckets. */
function origin(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)'
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (pkg) return pkg[1]
  if (url.startsWith('node:')) return 'node'
  const own = url.match(/\/(server|bench|sdk)\/src\/(.*?)\/[^/]+$/)
  return own ? `caravan ${own[2]}` : url
}

function summarize(file: string, top: number, window: [number, number]) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  // Self time: each sample's delta belongs to the node it landed on (samples inside the window only).
  const self = new Map<number, number>()
  let at = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    at += delta
    if (at >= window[0] * 1e6 && at <= window[1] * 1e6) self.set(id, (self.get(id) ?? 0) + delta)
  })
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)
  const packages = new Map<string, number>()
  const functions = new Map<string, number>()
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    add(packages, origin(url, functionName), us)
    add(functions, `${functionName || '(anonymous)'}  ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`, us)
  }
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`)
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`)
  }
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled`)
  print('self time by origin', packages)
  print('self time by function', functions)
}

const target = process.argv[2]
if (!target) {
  console.error('usage: tsx lib/profile-summary.ts <dir or .cpuprofile> [top]')
  process.exit(1)
}
const top = Number(process.argv[3] ?? 25)
const window = (process.argv[4] ?? `0-${Number.MAX_SAFE_INTEGER}`).split('-').map(Number) as [number, number]
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target]
for (const file of files) summarize(file, top, window)
