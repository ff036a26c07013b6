/** Saves `text` as a file through the browser's download, from an object URL on a passing link. */
export function downloadText(fileName: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  // Revoked later, not at once: some browsers read the URL after click() has returned.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * Saves CSV text as a file, with a UTF-8 byte-order mark first: without one Excel reads the file in
 * the machine's legacy code page and Persian text turns to mojibake. (The server's CSV answers
 * carry the mark too, but reading them as text drops it.)
 */
export function downloadCsv(fileName: string, csv: string) {
  downloadText(fileName, csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`, 'text/csv;charset=utf-8')
}

/** Saves `data` as a JSON file. */
export function downloadJson(fileName: string, data: unknown) {
  downloadText(fileName, `${JSON.stringify(data, null, 2)}\n`, 'application/json')
}
