// Renders a piece of the UI kit the way the app does: the real I18nProvider (which reads the
// session through TanStack Query) and React Aria's locale. Choose the language first with
// localStorage 'caravan.locale' (setLocale below).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { I18nProvider } from '../../src/i18n'
import { AriaLocaleProvider } from '../../src/ui'

export function setLocale(locale: 'fa' | 'en') {
  localStorage.setItem('caravan.locale', locale)
}

export function renderUi(ui: ReactNode) {
  const queryClient = new QueryClient()
  return render(
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <AriaLocaleProvider>{ui}</AriaLocaleProvider>
      </I18nProvider>
    </QueryClientProvider>,
  )
}
