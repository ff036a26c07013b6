// The arithmetic of the dashboard's charts: a value axis from zero to a round number with a few
// round ticks, and a linear map from values to pixels. Pure, so the component tests check it.

/** A round step (1, 2 or 5 × 10ⁿ) near `raw`; whole numbers only when `integer`. */
export function niceStep(raw: number, integer = false): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
  return integer ? Math.max(1, Math.round(step)) : step
}

/** Ticks from 0 up to the first one at or above `max`, about `count` of them (0 and the top included). */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 0
  const step = niceStep(top / count || 1, integer)
  const ticks = [0]
  while (ticks[ticks.length - 1] < top) ticks.push(Number((ticks.length * step).toPrecision(12)))
  if (ticks.length === 1) ticks.push(step)
  return ticks
}

/** Maps [d0, d1] onto [r0, r1] (either may run backwards: right to left, bottom up). */
export function scaleLinear(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  const span = d1 - d0
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0))
}

/** The centres of `n` equal bands across [r0, r1] (a band per day or per group). */
export function bandCentres(n: number, r0: number, r1: number): number[] {
  if (n <= 0) return []
  const width = (r1 - r0) / n
  return Array.from({ length: n }, (_, i) => r0 + width * (i + 0.5))
}

/** Which of `n` labels to print on an axis so that at most `room` fit: every k-th, the last one kept. */
export function labelEvery(n: number, room: number): number {
  if (n <= room || room <= 1) return 1
  return Math.ceil(n / room)
}
