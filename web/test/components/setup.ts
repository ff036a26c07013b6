// Unmounts what a test rendered, so tests never see each other's DOM.
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { loadMessages } from '../../src/i18n'

// The app loads a language's dictionary before rendering in it (main.tsx); tests have both.
await Promise.all([loadMessages('en'), loadMessages('fa')])

afterEach(() => {
  cleanup()
  localStorage.clear()
})
