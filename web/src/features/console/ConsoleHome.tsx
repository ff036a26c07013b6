// The console's first page: a card per section the user may open, under the same group headings
// as the sidebar (both read CONSOLE_SECTIONS). The desk's modules (support's inbox) are sections too.
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { useSignedInUser } from '../auth/session'
import { CONSOLE_SECTIONS, type ConsoleSection } from '../shell/consoleSections'
import { Icon } from '../shell/icons'
import { Page } from '../shell/Page'
import { userLabel } from '../shell/userLabel'
import './console.css'

export function ConsoleHome() {
  const { t } = useI18n()
  const user = useSignedInUser()
  const sections = CONSOLE_SECTIONS.filter((s) => !s.adminOnly || user.role === 'admin')
  const groups = new Map<ConsoleSection['group'], ConsoleSection[]>()
  for (const s of sections) groups.set(s.group, [...(groups.get(s.group) ?? []), s])
  return (
    <Page title={t('console.title')} intro={t('console.signedInAs', { name: user.name ?? userLabel(user), role: t(`role.${user.role}`) })}>
      {/* Agents have sections too (support analytics, canned responses), but not the admin's tasks. */}
      {user.role === 'admin' && groups.size > 0 && <p>{t('console.adminIntro')}</p>}
      {[...groups].map(([group, entries], i) => (
        <section key={group} aria-labelledby={`console-group-${i}`} className="console-group">
          <h2 id={`console-group-${i}`}>{t(group)}</h2>
          <ul className="cards">
            {entries.map((s) => (
              <li key={s.path} className="card module-card console-card">
                <h3>
                  <Icon name={s.icon} />
                  <Link to={s.path}>{t(s.label)}</Link>
                </h3>
                <p>{t(s.description)}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Page>
  )
}
