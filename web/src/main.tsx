import 'vazirmatn/Vazirmatn-Variable-font-face.css'
import './styles.css'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { queryClient } from './data/queryClient'
import { I18nProvider } from './i18n'
import { Router } from './router'
import { AriaLocaleProvider, initTheme } from './ui'

// Before the first render, so a chosen dark theme never flashes light.
initTheme()

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
)
