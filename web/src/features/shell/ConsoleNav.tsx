// The console's sections, grouped, with the current one marked (also on the pages below it).
// Shown in the sidebar on wide screens and in the menu drawer on phones.
import { useId } from 'react'
import { useI18n } from '../../i18n'
import { Link, useLocation } from '../../navigation'
import { useSignedInUser } from '../auth/session'
import { CONSOLE_SECTIONS, type ConsoleSection } from './consoleSections'
import { currentPath } from './currentPath'
import { Icon } from './icons'

export function ConsoleNav({ className }: { className?: string }) {
  const { t } = useI18n()
  const user = useSignedInUser()
  const { pathname } = useLocation()
  const groupId = useId()
  const sections = CONSOLE_SECTIONS.filter((s) => !s.adminOnly || user.role === 'admin')
  const current = currentPath(['/console', ...sections.map((s) => s.path)], pathname)
  const groups = new Map<ConsoleSection['group'], ConsoleSection[]>()
  for (const s of sections) groups.set(s.group, [...(groups.get(s.group) ?? []), s])

  const item = (path: string, label: string, icon: ConsoleSection['icon']) => (
    <li key={path}>
      {/* The title names the link when the sidebar shows icons only. */}
      <Link to={path} aria-current={path === current ? 'page' : undefined} title={label}>
        <Icon name={icon} />
        <span className="shell-label">{label}</span>
      </Link>
    </li>
  )
  return (
    <nav aria-label={t('console.nav')} className={`console-nav ${className ?? ''}`}>
      <ul>{item('/console', t('console.overview'), 'overview')}</ul>
      {[...groups].map(([group, entries], i) => (
        <div key={group} className="console-nav-group">
          <p className="shell-label console-nav-heading" id={`${groupId}-${i}`}>
            {t(group)}
          </p>
          <ul aria-labelledby={`${groupId}-${i}`}>{entries.map((s) => item(s.path, t(s.label), s.icon))}</ul>
        </div>
      ))}
    </nav>
  )
}
