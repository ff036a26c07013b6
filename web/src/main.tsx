import 'vazirmatn/Vazirmatn-Variable-font-face.css'
import './styles.css'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { queryClient } from './data/queryClient'
import { applyDocumentLocale, I18nProvider, initialLocale, loadMessages } from './i18n'
import { registerServiceWorker } from './pwa'
import { Router } from './router'
import { AriaLocaleProvider, initTheme } from './ui'

// Before the first render, so a chosen dark theme never flashes light.
initTheme()
registerServiceWorker()

// The first page's language is loaded first (each language is a chunk of its own); if it cannot
// be, the provider loads it again and renders once it has it. Its direction is set at once, so
// the page is right to left from the first moment it is in Persian.
const locale = initialLocale()
applyDocumentLocale(locale)
void loadMessages(locale)
  .catch(() => undefined)
  .then(() =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <I18nProvider>
            <AriaLocaleProvider>
              <Router />
            </AriaLocaleProvider>
          </I18nProvider>
        </QueryClientProvider>
      </StrictMode>,
    ),
  )
