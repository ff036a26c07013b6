import type { ReactNode } from 'react'
import type { MessageKey } from '../../i18n'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { useSignedInUser } from '../auth/session'

/** Console sections; `adminOnly` ones are hidden from agents (and the router refuses them). */
export const CONSOLE_SECTIONS: { path: string; label: MessageKey; description: MessageKey; adminOnly: boolean }[] = [
  { path: '/console/users', label: 'console.users', description: 'console.usersDesc', adminOnly: true },
  { path: '/console/api-keys', label: 'console.apiKeys', description: 'console.apiKeysDesc', adminOnly: true },
  { path: '/console/identity', label: 'console.identity', description: 'console.identityDesc', adminOnly: true },
  { path: '/console/audit', label: 'console.audit', description: 'console.auditDesc', adminOnly: true },
  { path: '/console/jobs', label: 'console.jobs', description: 'console.jobsDesc', adminOnly: true },
  { path: '/console/notifications', label: 'console.notificationTypes', description: 'console.notificationTypesDesc', adminOnly: true },
  { path: '/console/notifications/providers', label: 'console.providers', description: 'console.providersDesc', adminOnly: true },
  { path: '/console/notifications/activity', label: 'console.activity', description: 'console.activityDesc', adminOnly: true },
  { path: '/console/notifications/outbox', label: 'console.outbox', description: 'console.outboxDesc', adminOnly: true },
  {
    path: '/console/notifications/settings',
    label: 'console.notificationSettings',
    description: 'console.notificationSettingsDesc',
    adminOnly: true,
  },
]

export function ConsoleShell({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  const user = useSignedInUser()
  const { pathname } = useLocation()
  const sections = CONSOLE_SECTIONS.filter((s) => !s.adminOnly || user.role === 'admin')
  // A page below a section (a type's template editor) keeps its section marked.
  const current = sections
    .map((s) => s.path)
    .filter((p) => pathname === p || pathname.startsWith(`${p}/`))
    .sort((a, b) => b.length - a.length)[0]
  return (
    <div className="console">
      <nav aria-label={t('console.nav')} className="subnav">
        <ul>
          <li>
            <Link to="/console">{t('console.overview')}</Link>
          </li>
          {sections.map((s) => (
            <li key={s.path}>
              <Link to={s.path} aria-current={s.path === current ? 'page' : undefined}>
                {t(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="console-body">{children}</div>
    </div>
  )
}
