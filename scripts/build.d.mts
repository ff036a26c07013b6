// Types of scripts/build.mjs for the TypeScript tests that call it.
import type { Metafile } from 'esbuild'

export type Part = 'server' | 'web' | 'sdk'
export const ROOT: string
export const SERVER_ENTRY: string
export const PARTS: Record<Part, { output: string; sources: string[] }>
export function isCurrent(part: Part): boolean
export function buildServer(options?: { outdir?: string }): Promise<{ outfile: string; metafile: Metafile }>
export function buildWeb(): Promise<void>
export function buildSdk(): Promise<void>
export function build(parts?: Part[]): Promise<void>
export const FIRST_PAGE_BUDGET: number
export function firstPageJs(distDir: string): { chunks: { file: string; gzip: number }[]; gzip: number; css: number }
export function checkFirstPageBudget(distDir: string, budget?: number): number
export function precompress(dir: string): string[]
export type Embed = 'widget' | 'inbox'
export const EMBEDS: Record<Embed, { entry: string; file: string; budget: number; what: string }>
export function buildEmbed(name: Embed, distDir?: string): Promise<void>
export function checkEmbedBudget(name: Embed, distDir: string, budget?: number): number
