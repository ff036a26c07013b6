import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { useSignedInUser } from '../auth/session'
import { MODULES } from '../shell/modules'
import { Page } from '../shell/Page'

export function Home() {
  const user = useSignedInUser()
  const { t, formatDate } = useI18n()
  return (
    <Page
      title={user.name ? t('home.greeting', { name: user.name }) : t('home.greetingNoName')}
      tabTitle={t('home.title')}
      intro={t('home.intro')}
    >
      <section className="card" aria-labelledby="home-account">
        <h2 id="home-account">{t('home.account')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('field.email')}</dt>
            <dd>{user.email ? <bdi>{user.email}</bdi> : t('common.none')}</dd>
          </div>
          {user.externalId && (
            <div>
              <dt>{t('field.externalId')}</dt>
              <dd>
                <bdi>{user.externalId}</bdi>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('home.role')}</dt>
            <dd>{t(`role.${user.role}`)}</dd>
          </div>
          <div>
            <dt>{t('field.language')}</dt>
            <dd>{t(`lang.${user.locale}`)}</dd>
          </div>
          <div>
            <dt>{t('field.timezone')}</dt>
            <dd>
              <bdi>{user.timezone}</bdi>
            </dd>
          </div>
          <div>
            <dt>{t('field.phone')}</dt>
            <dd>{user.phone ? <bdi>{user.phone}</bdi> : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('home.memberSince')}</dt>
            <dd>{formatDate(user.createdAt)}</dd>
          </div>
        </dl>
        <p>
          <Link to="/profile" className="button secondary">
            {t('home.editProfile')}
          </Link>
        </p>
      </section>
      <section aria-labelledby="home-modules">
        <h2 id="home-modules">{t('home.modules')}</h2>
        <ul className="cards">
          {MODULES.map((m) => (
            <li key={m.path} className="card module-card">
              <h3>
                <Link to={m.path}>{t(m.label)}</Link>
              </h3>
              <p>{t(m.description)}</p>
              {!m.ready && <span className="tag">{t('home.soonTag')}</span>}
            </li>
          ))}
        </ul>
      </section>
    </Page>
  )
}
