import { Suspense } from 'react'
import { lazyPage } from './lazyPage'

// The theme switch (a React Aria toggle group) comes after the first paint; the theme itself is
// applied before it (initTheme in main.tsx), so nothing changes on screen when it arrives.
const ThemeSwitchNow = lazyPage(() => import('../../ui/ThemeSwitch'), 'ThemeSwitch')

export function ThemeSwitch() {
  return (
    <Suspense fallback={<span className="shell-theme-placeholder" />}>
      <ThemeSwitchNow />
    </Suspense>
  )
}
