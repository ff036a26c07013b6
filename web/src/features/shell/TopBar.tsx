// The app's top bar, one row at every width. Wide screens: brand, main navigation, language,
// theme, bell, account menu. Narrower: the menu button takes the navigation into a drawer, and
// on phones language, theme and account move there too; the bell always stays in the bar.
import { Suspense } from 'react'
import { useI18n } from '../../i18n'
import { ThemeSwitch } from './LazyThemeSwitch'
import { Link } from '../../navigation'
import { Bell } from '../notifications/Bell'
import { lazyPage } from './lazyPage'
import { LanguageSwitcher } from './LanguageSwitcher'
import logoUrl from './logo.svg'
import { PrimaryNav } from './PrimaryNav'

// The menus (React Aria's menu, popover and modal) come after the first paint: they are a quarter
// of the first page's JavaScript otherwise. Their place is kept so the bar does not move.
const AccountMenu = lazyPage(() => import('./AccountMenu'), 'AccountMenu')
const MobileNav = lazyPage(() => import('./MobileNav'), 'MobileNav')

export function Brand() {
  const { t } = useI18n()
  return (
    <Link to="/" className="shell-brand" aria-current={undefined}>
      <img src={logoUrl} alt="" width={28} height={28} />
      <span>{t('app.name')}</span>
    </Link>
  )
}

export function TopBar() {
  return (
    <header className="shell-header">
      <div className="shell-bar">
        <Suspense fallback={<span className="shell-menu-placeholder" />}>
          <MobileNav />
        </Suspense>
        <Brand />
        <PrimaryNav className="bar-nav" />
        <div className="bar-end">
          <div className="wide-only">
            <LanguageSwitcher />
          </div>
          <div className="wide-only">
            <ThemeSwitch />
          </div>
          <Bell />
          <div className="wide-only">
            <Suspense fallback={<span className="shell-menu-placeholder" />}>
              <AccountMenu />
            </Suspense>
          </div>
        </div>
      </div>
    </header>
  )
}
