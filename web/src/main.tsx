import 'vazirmatn/Vazirmatn-Variable-font-face.css'
import './styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nProvider } from './i18n'
import { Router } from './router'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <Router />
    </I18nProvider>
  </StrictMode>,
)
