// The frame of every page: skip link, header with the navigation, main, footer.
import type { ReactNode } from 'react'
import { useI18n } from '../../i18n'
import { Link, navigate } from '../../navigation'
import { client, useSession } from '../auth/session'
import { Bell } from '../notifications/Bell'
import { LanguageSwitcher } from './LanguageSwitcher'
import logoUrl from './logo.svg'
import { MODULES } from './modules'

async function signOut() {
  await client.logout()
  navigate('/sign-in', { replace: true })
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  const { user, roleChanged } = useSession()
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skip.toMain')}
      </a>
      <header className="site-header">
        <div className="bar">
          <Link to="/" className="brand" aria-current={undefined}>
            <img src={logoUrl} alt="" width={28} height={28} />
            <span>{t('app.name')}</span>
          </Link>
          <div className="bar-end">
            <LanguageSwitcher />
            <nav aria-label={t('nav.account')}>
              <ul className="inline-list">
                {user ? (
                  <>
                    <li>
                      <Bell userId={user.id} />
                    </li>
                    <li>
                      <Link to="/profile">{t('nav.profile')}</Link>
                    </li>
                    <li>
                      <Link to="/devices">{t('nav.devices')}</Link>
                    </li>
                    <li>
                      <button type="button" className="link-button" onClick={() => void signOut()}>
                        {t('nav.signOut')}
                      </button>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <Link to="/sign-in">{t('nav.signIn')}</Link>
                    </li>
                    <li>
                      <Link to="/sign-up">{t('nav.signUp')}</Link>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          </div>
        </div>
        {user && (
          <nav aria-label={t('nav.main')} className="primary-nav">
            <ul className="inline-list">
              <li>
                <Link to="/">{t('nav.home')}</Link>
              </li>
              {MODULES.map((m) => (
                <li key={m.path}>
                  <Link to={m.path}>{t(m.label)}</Link>
                </li>
              ))}
              {user.role !== 'customer' && (
                <li>
                  <Link to="/console">{t('nav.console')}</Link>
                </li>
              )}
            </ul>
          </nav>
        )}
      </header>
      {roleChanged && (
        <div className="banner" role="status">
          <p>{t('session.roleChanged')}</p>
          <button type="button" onClick={() => void signOut()}>
            {t('session.signInAgain')}
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>
          {t('footer.text')} <a href="/docs">{t('footer.apiDocs')}</a>
        </p>
      </footer>
    </>
  )
}
