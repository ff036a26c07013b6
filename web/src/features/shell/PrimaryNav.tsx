// Home, the product modules and, for staff, the console; the section of the current page is
// marked, also on the pages below it (/console/users marks Console).
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { useSignedInUser } from '../auth/session'
import { currentPath } from './currentPath'
import { MODULES } from './modules'

export function PrimaryNav({ className }: { className: string }) {
  const { t } = useI18n()
  const user = useSignedInUser()
  const { pathname } = useLocation()
  const entries = [
    { path: '/', label: t('nav.home') },
    ...MODULES.map((m) => ({ path: m.path, label: t(m.label) })),
    ...(user.role === 'customer' ? [] : [{ path: '/console', label: t('nav.console') }]),
  ]
  // The inbox's settings page belongs to Notifications; checkout, its result and the wallet to Payments.
  const current = currentPath(
    entries.map((e) => e.path),
    pathname === '/settings/notifications'
      ? '/notifications'
      : pathname === '/pay' || pathname.startsWith('/pay/') || pathname === '/wallet' || pathname.startsWith('/wallet/')
        ? '/payments'
        : pathname,
  )
  return (
    <nav aria-label={t('nav.main')} className={className}>
      <ul>
        {entries.map((e) => (
          <li key={e.path}>
            <Link to={e.path} aria-current={e.path === current ? 'page' : undefined}>
              {e.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}
