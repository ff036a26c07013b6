// The frame of every page. Signed in: skip link, top bar, the role-change banner, main, footer.
// Guest pages (signed out; the router may also ask for it on public pages): a narrow centred
// card under the brand, with only the language and theme above.
import type { ReactNode } from 'react'
import { RouterProvider } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { navigate, useLocation } from '../../navigation'
import { ThemeSwitch } from './LazyThemeSwitch'
import { useSession } from '../auth/session'
import { LanguageSwitcher } from './LanguageSwitcher'
import './shell.css'
import { signOut } from './signOut'
import { Brand, TopBar } from './TopBar'
import { usePageSearchHotkey } from './useHotkeys'

export function Layout({ children, variant }: { children: ReactNode; variant?: 'app' | 'guest' }) {
  const { t } = useI18n()
  const { user, roleChanged } = useSession()
  const { pathname } = useLocation()
  usePageSearchHotkey()
  const guest = !user || variant === 'guest'
  const wide = pathname === '/console' || pathname.startsWith('/console/')
  return (
    // React Aria's links (the account menu's items) navigate with the app's router.
    <RouterProvider navigate={(to) => navigate(to)}>
      <a className="shell-skip" href="#main">
        {t('skip.toMain')}
      </a>
      {guest ? (
        <header className="shell-guest-header">
          <div className="bar-end">
            <LanguageSwitcher />
            <ThemeSwitch />
          </div>
        </header>
      ) : (
        <TopBar />
      )}
      {roleChanged && (
        <div className="shell-banner" role="status">
          <p>{t('session.roleChanged')}</p>
          <button type="button" onClick={() => void signOut()}>
            {t('session.signInAgain')}
          </button>
        </div>
      )}
      {guest ? (
        <main id="main" tabIndex={-1} className="shell-main guest">
          <Brand />
          <div className="shell-guest-card">{children}</div>
        </main>
      ) : (
        <main id="main" tabIndex={-1} className={wide ? 'shell-main wide' : 'shell-main'}>
          {children}
        </main>
      )}
      <footer className="shell-footer">
        <p>
          {t('footer.text')} <a href="/docs">{t('footer.apiDocs')}</a>
        </p>
      </footer>
    </RouterProvider>
  )
}
