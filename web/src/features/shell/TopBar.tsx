// The app's top bar, one row at every width. Wide screens: brand, main navigation, language,
// theme, bell, account menu. Narrower: the menu button takes the navigation into a drawer, and
// on phones language, theme and account move there too; the bell always stays in the bar.
import { useI18n } from '../../i18n'
import { ThemeSwitch } from '../../ui/ThemeSwitch'
import { Link } from '../../navigation'
import { Bell } from '../notifications/Bell'
import { AccountMenu } from './AccountMenu'
import { LanguageSwitcher } from './LanguageSwitcher'
import logoUrl from './logo.svg'
import { MobileNav } from './MobileNav'
import { PrimaryNav } from './PrimaryNav'

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
        <MobileNav />
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
            <AccountMenu />
          </div>
        </div>
      </div>
    </header>
  )
}
