// LiquidJS as every module uses it (notification templates, support's canned responses): sandboxed
// (own properties only, no file system, no relative includes) and bounded (template size, render
// time, allocations), so a template written by an admin cannot read or exhaust the server.
import { Liquid, type LiquidOptions } from 'liquidjs'

// Per render: template source length (parse), milliseconds of rendering, and "memory" (characters and
// array elements that filters and ranges create; a range is a real array, so `(1..n)` costs n up front).
// The time limit is wall-clock and leaves room for a loaded machine: real templates render in milliseconds.
export const LIQUID_LIMITS = { parseLimit: 100_000, renderLimit: 1_000, memoryLimit: 2_000_000 }

/** A sandboxed engine; `escape` auto-escapes output (HTML). */
export function sandboxedLiquid(options: { escape?: boolean } & Pick<LiquidOptions, 'strictVariables'> = {}): Liquid {
  return new Liquid({
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: options.strictVariables ?? false,
    cache: 200,
    relativeReference: false,
    // `templates: {}` replaces the file system: {% include %} and {% render %} can reach nothing on disk.
    templates: {},
    ...LIQUID_LIMITS,
    ...(options.escape ? { outputEscape: 'escape' as const } : {}),
  })
}
