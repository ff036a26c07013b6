import type { ReactNode } from 'react'
import type { MessageKey } from '../../i18n'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { useSignedInUser } from '../auth/session'

/** Console sections; `adminOnly` ones are hidden from agents (and the router refuses them). */
export const CONSOLE_SECTIONS: { path: string; label: MessageKey; description: MessageKey; adminOnly: boolean }[] = [
  { path: '/console/users', label: 'console.users', description: 'console.usersDesc', adminOnly: true },
  { path: '/console/api-keys', label: 'console.apiKeys', description: 'console.apiKeysDesc', adminOnly: true },
  { path: '/console/audit', label: 'console.audit', description: 'console.auditDesc', adminOnly: true },
  { path: '/console/jobs', label: 'console.jobs', description: 'console.jobsDesc', adminOnly: true },
]

export function ConsoleShell({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  const user = useSignedInUser()
  const sections = CONSOLE_SECTIONS.filter((s) => !s.adminOnly || user.role === 'admin')
  return (
    <div className="console">
      <nav aria-label={t('console.nav')} className="subnav">
        <ul>
          <li><Link to="/console">{t('console.overview')}</Link></li>
          {sections.map((s) => <li key={s.path}><Link to={s.path}>{t(s.label)}</Link></li>)}
        </ul>
      </nav>
      <div className="console-body">{children}</div>
    </div>
  )
}
