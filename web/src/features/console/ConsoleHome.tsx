import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { useSignedInUser } from '../auth/session'
import { MODULES } from '../shell/modules'
import { Page } from '../shell/Page'
import { userLabel } from '../shell/userLabel'
import { CONSOLE_SECTIONS } from './ConsoleShell'

/** The console's first page: admins get their tools, agents the desk modules to come. */
export function ConsoleHome() {
  const { t } = useI18n()
  const user = useSignedInUser()
  const isAdmin = user.role === 'admin'
  const deskModules = MODULES.filter((m) => m.path === '/support' || m.path === '/chat')
  return (
    <Page title={t('console.title')} intro={t('console.signedInAs', { name: user.name ?? userLabel(user), role: t(`role.${user.role}`) })}>
      {isAdmin && (
        <section aria-labelledby="console-admin">
          <h2 id="console-admin">{t('console.adminIntro')}</h2>
          <ul className="cards">
            {CONSOLE_SECTIONS.map((s) => (
              <li key={s.path} className="card module-card">
                <h3>
                  <Link to={s.path}>{t(s.label)}</Link>
                </h3>
                <p>{t(s.description)}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="console-desk">
        <h2 id="console-desk">{t('console.modules')}</h2>
        <p>{t('console.agentIntro')}</p>
        <ul className="cards">
          {deskModules.map((m) => (
            <li key={m.path} className="card module-card">
              <h3>
                <Link to={m.path}>{t(m.label)}</Link>
              </h3>
              <p>{t(m.description)}</p>
              <span className="tag">{t('home.soonTag')}</span>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  )
}
