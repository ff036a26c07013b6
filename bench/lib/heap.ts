// Heap snapshots of a measured process: what is still reachable after V8's full collection (a
// snapshot collects first), in MB, with the constructors that hold the most. A process started
// with heapArgs (lib/env.ts) writes one into BENCH_HEAP_SNAPSHOT_DIR on SIGUSR2.
//   npx tsx lib/heap.ts <file.heapsnapshot> [top=15]
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

export interface HeapSummary {
  file: string
  reachableMb: number
  top: { name: string; mb: number; count: number }[]
}

/** The snapshot's reachable size and its largest holders by constructor (strings, arrays and code by their kind). */
export function summarizeHeap(file: string, top = 15): HeapSummary {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const fields = data.snapshot.meta.node_fields
  const types = data.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
  const byName = new Map<string, { bytes: number; count: number }>()
  let total = 0
  for (let i = 0; i < data.nodes.length; i += fields.length) {
    const type = types[data.nodes[i + typeAt]]
    const size = data.nodes[i + sizeAt]
    total += size
    const name = type === 'object' || type === 'closure' ? data.strings[data.nodes[i + nameAt]] : `(${type})`
    const entry = byName.get(name) ?? { bytes: 0, count: 0 }
    entry.bytes += size
    entry.count++
    byName.set(name, entry)
  }
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
  return {
    file,
    reachableMb: mb(total),
    top: [...byName]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, top)
      .map(([name, e]) => ({ name, mb: mb(e.bytes), count: e.count })),
  }
}

/** Asks the process for a snapshot and waits until it is written whole; undefined when snapshots are off. */
export async function takeHeapSnapshot(pid: number | undefined, dir: string | undefined): Promise<string | undefined> {
  if (!pid || !dir) return undefined
  mkdirSync(dir, { recursive: true })
  const before = new Set(readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  const deadline = Date.now() + 300_000
  let last = -1
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500))
    const made = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f))
    if (!made) continue
    // Written in one go by the process; whole once its size stops changing.
    const size = statSync(join(dir, made)).size
    if (size > 0 && size === last) return join(dir, made)
    last = size
  }
  throw new Error(`no heap snapshot from ${pid} in ${dir}`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const summary = summarizeHeap(process.argv[2], Number(process.argv[3] ?? 15))
  console.log(`${summary.file}: ${summary.reachableMb} MB reachable`)
  for (const t of summary.top) console.log(`  ${String(t.mb).padStart(8)} MB  ${String(t.count).padStart(9)}  ${t.name}`)
}
