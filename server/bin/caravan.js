#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so `caravan` works straight from a clone.
import { register } from 'tsx/esm/api'
register()
await import('../src/main.ts')
