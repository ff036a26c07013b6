// A CSV export's answer: one way for every module's export route.
import type { FastifyReply } from 'fastify'

/**
 * Sends `csv` as a download named `fileName`: UTF-8 with a byte-order mark first, because Excel
 * reads a CSV without one in the machine's legacy code page and turns Persian text into mojibake
 * (other spreadsheets and CSV parsers skip the mark).
 */
export function sendCsv(reply: FastifyReply, fileName: string, csv: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .send(`\uFEFF${csv}`)
}
