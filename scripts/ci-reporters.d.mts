// Types of scripts/ci-reporters.mjs for the vitest configs.
import type { Reporter } from 'vitest/node'

export function ciReporters(name: string): ('default' | ['json', { outputFile: string }] | Reporter)[]
