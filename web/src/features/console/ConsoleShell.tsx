// The console's frame: the section sidebar beside the page. The sidebar collapses to icons (the
// choice is remembered on this browser); on phones the sections move into the menu drawer.
import { useId, useState, type ReactNode } from 'react'
import { useI18n } from '../../i18n'
import { ConsoleNav } from '../shell/ConsoleNav'
import { Icon } from '../shell/icons'

export { CONSOLE_SECTIONS } from '../shell/consoleSections'

const COLLAPSED_KEY = 'caravan.sidebar'

function readCollapsed(): boolean {
  try {
    return localStorage.getItem(COLLAPSED_KEY) === 'collapsed'
  } catch {
    return false
  }
}

export function ConsoleShell({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  const [collapsed, setCollapsed] = useState(readCollapsed)
  const sidebarId = useId()
  const toggle = () => {
    const next = !collapsed
    setCollapsed(next)
    localStorage.setItem(COLLAPSED_KEY, next ? 'collapsed' : 'expanded')
  }
  const action = collapsed ? t('shell.expandSidebar') : t('shell.collapseSidebar')
  return (
    <div className={collapsed ? 'console-frame collapsed' : 'console-frame'}>
      <aside className="console-sidebar">
        <button
          type="button"
          className="shell-icon-button sidebar-toggle"
          aria-label={t('shell.sidebar')}
          aria-expanded={!collapsed}
          aria-controls={sidebarId}
          title={action}
          onClick={toggle}
        >
          <Icon name="sidebar" mirror />
        </button>
        <div id={sidebarId}>
          <ConsoleNav />
        </div>
      </aside>
      <div className="console-body">{children}</div>
    </div>
  )
}
