// The printed table and the results file.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

export const formatRatio = (r: number | null | undefined) => (r == null ? '' : (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)) + '×')
export const formatRate = (n: number) => Math.round(n).toLocaleString('en-US')

export interface Column<R> {
  header: string
  cell: (row: R) => string
  numeric?: boolean
}

/** A plain-text table; numeric columns right-aligned; rows for which flagged() holds are marked. */
export function printTable<R>(columns: Column<R>[], rows: R[], flagged: (row: R) => boolean): void {
  const header = [...columns.map((c) => c.header), '']
  const lines = rows.map((r) => [...columns.map((c) => c.cell(r)), flagged(r) ? '<-- FLAGGED' : ''])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (columns[i]?.numeric ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  console.log('\n' + format(header))
  console.log(
    widths
      .map((w) => '-'.repeat(w))
      .join('  ')
      .trimEnd(),
  )
  for (const l of lines) console.log(format(l))
}

export async function writeResults(file: string, content: object): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(content, null, 2) + '\n')
  console.log(`\nWritten to ${file}`)
}
