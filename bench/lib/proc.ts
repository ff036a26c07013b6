// CPU time used by processes (Linux /proc; undefined elsewhere): tells whether a slow stage was
// busy in Node, busy in PostgreSQL, or waiting.
import { readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ; 100 on every Linux this runs on

/** User + system CPU seconds of a process so far, or undefined when it cannot be read. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name (which may contain spaces) start after the last ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND // utime, stime (fields 14, 15)
  } catch {
    return undefined
  }
}

/** The sum over several processes; undefined when none could be read. */
export function totalCpuSeconds(pids: number[]): number | undefined {
  const values = pids.map(cpuSeconds).filter((v): v is number => v !== undefined)
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined
}

/** A process's resident memory in MB (VmRSS), or undefined when it cannot be read. */
export function residentMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}
