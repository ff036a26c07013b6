import 'vazirmatn/Vazirmatn-Variable-font-face.css'
import './styles.css'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { queryClient } from './data/queryClient'
import { I18nProvider } from './i18n'
import { Router } from './router'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Router />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
)
