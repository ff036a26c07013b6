import type { Role, User, UserPage } from '@caravan/sdk'
import { useId, useState, type FormEvent } from 'react'
import { useI18n, type Translate } from '../../i18n'
import { client } from '../auth/session'
import { breakable } from '../auth/verification'
import { ConfirmDialog } from '../shell/ConfirmDialog'
import { downloadJson } from '../shell/download'
import { ErrorAlert, SelectField, StatusMessage, TextField, useAction, useMessage } from '../shell/form'
import { Page } from '../shell/Page'
import { useLoad } from '../shell/useLoad'
import { userLabel } from '../shell/userLabel'

const ROLES: Role[] = ['customer', 'agent', 'admin']
const PAGE_SIZE = 20

export function Users() {
  const { t, formatDate, formatNumber } = useI18n()
  const [draft, setDraft] = useState({ q: '', role: '' })
  const [filter, setFilter] = useState(draft)
  const users = useLoad<UserPage>(
    () => client.admin.listUsers({ q: filter.q || undefined, role: (filter.role || undefined) as Role | undefined, limit: PAGE_SIZE }),
    [filter],
  )
  const more = useAction(async (cursor: string) => {
    const next = await client.admin.listUsers({
      q: filter.q || undefined,
      role: (filter.role || undefined) as Role | undefined,
      limit: PAGE_SIZE,
      cursor,
    })
    users.update((page) => ({ items: [...page.items, ...next.items], nextCursor: next.nextCursor }))
  })
  const [message, setMessage] = useMessage()
  const exportData = useAction(async (user: User) => {
    setMessage(null)
    const file = `caravan-user-${user.id}.json`
    downloadJson(file, await client.users.export(user.id))
    setMessage((t) => t('users.exported', { name: userLabel(user), file }))
  })
  const [erasing, setErasing] = useState<User | null>(null)
  const erase = useAction(async (user: User) => {
    await client.users.erase({ id: user.id })
    setErasing(null)
    setMessage((t) => t('users.erased', { name: userLabel(user) }))
    users.reload()
  })

  function search(event: FormEvent) {
    event.preventDefault()
    setFilter({ ...draft })
  }

  function onRoleChanged(user: User) {
    users.update((page) => ({ ...page, items: page.items.map((u) => (u.id === user.id ? user : u)) }))
    setMessage((t) => t('users.roleChanged', { email: userLabel(user), role: t(`role.${user.role}`) }))
  }

  function askErase(user: User) {
    setMessage(null)
    erase.setError(null)
    setErasing(user)
  }

  return (
    <Page title={t('users.title')}>
      <form className="card form filters" onSubmit={search} role="search">
        <TextField
          label={t('users.search')}
          name="q"
          type="search"
          value={draft.q}
          onChange={(e) => setDraft({ ...draft, q: e.target.value })}
        />
        <SelectField
          label={t('users.role')}
          name="role"
          value={draft.role}
          onChange={(e) => setDraft({ ...draft, role: e.target.value })}
          options={[{ value: '', label: t('users.allRoles') }, ...ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))]}
        />
        <button type="submit">{t('users.apply')}</button>
      </form>
      <StatusMessage message={message} />
      <ErrorAlert error={users.error ?? more.error ?? exportData.error} />
      {users.loading && !users.data && <p>{t('common.loading')}</p>}
      {users.data?.items.length === 0 && <p className="empty">{t('users.empty')}</p>}
      {!!users.data?.items.length && (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('users.user')}</th>
                  <th scope="col">{t('users.name')}</th>
                  <th scope="col">{t('users.role')}</th>
                  <th scope="col">{t('users.created')}</th>
                  <th scope="col">{t('users.changeRole')}</th>
                  <th scope="col">{t('users.personalData')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => (
                  <tr key={user.id}>
                    <th scope="row" className="wrap-anywhere user-cell">
                      {user.email ? <bdi>{breakable(user.email)}</bdi> : !user.externalId && t('common.none')}
                      {user.externalId && (
                        <span className="secondary-line">
                          {t('users.externalId')} <code dir="ltr">{user.externalId}</code>
                        </span>
                      )}
                    </th>
                    <td>{user.name ? <bdi>{user.name}</bdi> : t('common.none')}</td>
                    <td>{t(`role.${user.role}`)}</td>
                    <td>{formatDate(user.createdAt)}</td>
                    <td>
                      <RoleForm user={user} t={t} onChanged={onRoleChanged} />
                    </td>
                    <td>
                      <div className="row-actions">
                        <button
                          type="button"
                          className="secondary small"
                          aria-label={t('users.exportNamed', { name: userLabel(user) })}
                          aria-disabled={exportData.pending ? true : undefined}
                          onClick={() => {
                            if (!exportData.pending) void exportData.run(user)
                          }}
                        >
                          {t('users.export')}
                        </button>
                        <button
                          type="button"
                          className="danger small"
                          aria-label={t('users.eraseNamed', { name: userLabel(user) })}
                          onClick={() => askErase(user)}
                        >
                          {t('users.erase')}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">{t('users.shown', { count: formatNumber(users.data.items.length) })}</p>
          {users.data.nextCursor && (
            <button type="button" className="secondary" disabled={more.pending} onClick={() => void more.run(users.data!.nextCursor!)}>
              {more.pending ? t('common.working') : t('common.loadMore')}
            </button>
          )}
        </>
      )}
      {erasing && (
        <ConfirmDialog
          title={t('users.eraseTitle', { name: userLabel(erasing) })}
          confirmLabel={t('users.yesErase')}
          pending={erase.pending}
          onConfirm={() => void erase.run(erasing)}
          onCancel={() => setErasing(null)}
        >
          <p>{t('users.eraseBody')}</p>
          <p>
            <strong>{t('users.eraseIrreversible')}</strong>
          </p>
          {/* The last admin cannot be erased (409): say so in plain words. */}
          {erase.error?.status === 409 ? (
            <div className="alert error" role="alert">
              <p>{t('users.lastAdminErase')}</p>
            </div>
          ) : (
            <ErrorAlert error={erase.error} />
          )}
        </ConfirmDialog>
      )}
    </Page>
  )
}

function RoleForm({ user, t, onChanged }: { user: User; t: Translate; onChanged: (user: User) => void }) {
  const id = useId()
  const [role, setRole] = useState<Role>(user.role)
  const change = useAction(() => client.admin.setUserRole(user.id, role))

  async function submit(event: FormEvent) {
    event.preventDefault()
    const updated = await change.run()
    if (updated) onChanged(updated)
  }

  // The last admin cannot be demoted (409): say so in plain words.
  const error = change.error?.status === 409 ? t('users.lastAdmin') : null
  return (
    <form className="row-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('users.roleFor', { email: userLabel(user) })}
      </label>
      <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={error ? `${id}-error` : undefined}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="small" disabled={change.pending || role === user.role}>
        {t('users.changeRole')}
        <span className="visually-hidden">
          {' '}
          <bdi>{userLabel(user)}</bdi>
        </span>
      </button>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      {change.error && !error && <ErrorAlert error={change.error} />}
    </form>
  )
}
