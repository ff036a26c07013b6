// The colour theme: the person's choice, kept in localStorage and shown as data-theme on <html>.
// 'system' sets no attribute, so styles.css follows prefers-color-scheme; 'light' and 'dark'
// override it. One small store, so every ThemeSwitch (header, settings) shows the same choice.
import { useSyncExternalStore } from 'react'

export type ThemeChoice = 'system' | 'light' | 'dark'
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']
const STORAGE_KEY = 'caravan.theme'

function isThemeChoice(value: unknown): value is ThemeChoice {
  return value === 'system' || value === 'light' || value === 'dark'
}

export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return isThemeChoice(value) ? value : 'system'
  } catch {
    // Storage can be blocked (privacy settings); the system theme is the safe default.
    return 'system'
  }
}

/** Shows a choice on the page. */
export function applyTheme(choice: ThemeChoice): void {
  const html = document.documentElement
  if (choice === 'system') html.removeAttribute('data-theme')
  else html.setAttribute('data-theme', choice)
}

const listeners = new Set<() => void>()
let current: ThemeChoice | null = null

function snapshot(): ThemeChoice {
  current ??= storedTheme()
  return current
}

/** Applies and remembers a choice, and tells every useTheme() on the page. */
export function setTheme(choice: ThemeChoice): void {
  current = choice
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY)
    else localStorage.setItem(STORAGE_KEY, choice)
  } catch {
    // Not remembered, but still applied for this visit.
  }
  applyTheme(choice)
  for (const listener of listeners) listener()
}

/** Called once before the first render (main.tsx), so the page never flashes the wrong theme. */
export function initTheme(): void {
  current = storedTheme()
  applyTheme(current)
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  // A choice made in another tab applies here too.
  const onStorage = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY && event.key !== null) return
    current = storedTheme()
    applyTheme(current)
    listener()
  }
  window.addEventListener('storage', onStorage)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('storage', onStorage)
  }
}

export function useTheme(): { theme: ThemeChoice; setTheme: (choice: ThemeChoice) => void } {
  const theme = useSyncExternalStore(subscribe, snapshot, () => 'system' as const)
  return { theme, setTheme }
}
