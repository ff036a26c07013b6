// How many SMS parts a text costs, per GSM 03.38 / 3GPP TS 23.038: the cost the operator bills,
// and what Twilio reports as num_segments. We never split text ourselves; carriers do.

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2'
  /** Units counted against the limit: septets for GSM-7 (extension characters are 2), UTF-16 code units for UCS-2 (an emoji is 2). */
  characters: number
  segments: number
  /** Units per part: 160/70 for a single part, 153/67 once the 6-byte concatenation header is needed. */
  perSegment: number
}

// The GSM 7-bit default alphabet (one septet each). 0x1B is the escape to the extension table, not a character.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
// The extension table: each costs two septets (escape + code). \f is the page break.
const GSM_EXTENSION = '\f^{}\\[~]|€'

const basic = new Set(GSM_BASIC)
const extension = new Set(GSM_EXTENSION)

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const

/** Cost of each character in units, or undefined when the text needs UCS-2. */
function gsmCosts(text: string): number[] | undefined {
  const costs: number[] = []
  for (const ch of text) {
    if (basic.has(ch)) costs.push(1)
    else if (extension.has(ch)) costs.push(2)
    else return undefined
  }
  return costs
}

export function smsSegments(text: string): SmsSegments {
  const gsm = gsmCosts(text)
  const encoding = gsm ? 'GSM-7' : 'UCS-2'
  // Iterating a string yields code points, so an astral character (emoji) is one entry of 2 units.
  const costs = gsm ?? Array.from(text, (ch) => ch.length)
  const characters = costs.reduce((sum, cost) => sum + cost, 0)
  const { single, multi } = LIMITS[encoding]
  if (characters <= single) return { encoding, characters, segments: characters === 0 ? 0 : 1, perSegment: single }
  // Greedy packing: an escape sequence or a surrogate pair is never cut between two parts, so
  // a part may end one unit short and the count can exceed ceil(characters / multi).
  let segments = 1
  let used = 0
  for (const cost of costs) {
    if (used + cost > multi) {
      segments++
      used = 0
    }
    used += cost
  }
  return { encoding, characters, segments, perSegment: multi }
}
