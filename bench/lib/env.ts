// Settings read from the environment, shared by every benchmark.
import { cpus, totalmem } from 'node:os'
import { resolve } from 'node:path'

/** A whole number ≥ min from env, or the fallback when unset; anything else stops the bench (exit 1). */
export function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min}, got "${raw}"`)
    process.exit(1)
  }
  return value
}

/** The PostgreSQL server the bench databases are created on. */
export const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'

/** BENCH_PGLITE=0 skips the runs of Caravan on embedded PGlite. */
export const withPglite = process.env.BENCH_PGLITE !== '0'

/**
 * Node options for every measured Caravan: BENCH_NODE_ARGS (space-separated, e.g. V8's
 * `--max-semi-space-size=64` or `--trace-gc`), and with BENCH_CPU_PROFILE_DIR set, those that make
 * it write a V8 CPU profile there when it stops (read them with lib/profile-summary.ts).
 */
export const caravanNodeArgs: string[] = [
  ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ...(process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROFILE_DIR)}`] : []),
]

/**
 * Diagnostics for memory: BENCH_HEAP_LIMIT_MB caps a measured Caravan's V8 old space (a run that
 * finishes under a small cap never held more than that), and BENCH_HEAP_SNAPSHOT_DIR lets a
 * workload ask it for heap snapshots (SIGUSR2; lib/heap.ts takes and sums them).
 */
export const heapArgs: string[] = [
  ...(process.env.BENCH_HEAP_LIMIT_MB ? [`--max-old-space-size=${positiveInt('BENCH_HEAP_LIMIT_MB', 0)}`] : []),
  ...(process.env.BENCH_HEAP_SNAPSHOT_DIR
    ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${resolve(process.env.BENCH_HEAP_SNAPSHOT_DIR)}`]
    : []),
]
export const heapSnapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR ? resolve(process.env.BENCH_HEAP_SNAPSHOT_DIR) : undefined

/** What the figures depend on, for the results file. */
export function machineInfo() {
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  }
}
