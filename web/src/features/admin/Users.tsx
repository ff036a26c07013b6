import { CaravanError, type Role, type User } from '@caravan/sdk'
import { useEffect, useId, useState, type FormEvent } from 'react'
import { useI18n, type Translate } from '../../i18n'
import { Button, ConfirmDialog, ProblemAlert, SearchField, SelectField } from '../../ui'
import { DataTable, useUrlState, type Column } from '../../ui/table'
import { breakable } from '../auth/verification'
import { downloadJson } from '../shell/download'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { userLabel } from '../shell/userLabel'
import { fetchUsersPage, useEraseUser, useExportUser, useSetUserRole, userKeys, type UserFilter } from './users-queries'

const ROLES: Role[] = ['customer', 'agent', 'admin']
const ALL = 'all'

export function Users() {
  const { t, formatDate } = useI18n()
  const [filter, setFilter] = useUrlState<UserFilter>({ q: '', role: '' }, { role: (v) => (ROLES as string[]).includes(v) })
  const [draft, setDraft] = useState(filter.q)
  // A link or Back changes the URL under the box: show what is searched.
  useEffect(() => setDraft(filter.q), [filter.q])

  const [message, setMessage] = useMessage()
  const exportData = useExportUser()
  function exportUser(user: User) {
    setMessage(null)
    exportData.mutate(user, {
      onSuccess: (data) => {
        const file = `caravan-user-${user.id}.json`
        downloadJson(file, data)
        setMessage((t) => t('users.exported', { name: userLabel(user), file }))
      },
    })
  }
  const [erasing, setErasing] = useState<User | null>(null)
  const erase = useEraseUser()
  function eraseUser(user: User) {
    erase.mutate(user, {
      onSuccess: () => {
        setErasing(null)
        setMessage((t) => t('users.erased', { name: userLabel(user) }))
      },
    })
  }
  // A role change ends the user's sessions: it is asked for like erasure.
  const [changing, setChanging] = useState<{ user: User; role: Role } | null>(null)
  const changeRole = useSetUserRole()
  function changeUserRole(change: { user: User; role: Role }) {
    changeRole.mutate(change, {
      onSuccess: (updated) => {
        setChanging(null)
        setMessage((t) => t('users.roleChanged', { email: userLabel(updated), role: t(`role.${updated.role}`) }))
      },
    })
  }

  function search(event: FormEvent) {
    event.preventDefault()
    setFilter({ q: draft.trim() })
  }

  const columns: Column<User>[] = [
    {
      id: 'user',
      header: t('users.user'),
      primary: true,
      sortValue: (u) => userLabel(u),
      cell: (user) => (
        <span className="wrap-anywhere user-cell">
          {user.email ? <bdi>{breakable(user.email)}</bdi> : !user.externalId && t('common.none')}
          {user.externalId && (
            <span className="secondary-line">
              {t('users.externalId')} <code dir="ltr">{user.externalId}</code>
            </span>
          )}
        </span>
      ),
    },
    { id: 'name', header: t('users.name'), sortValue: (u) => u.name, cell: (u) => (u.name ? <bdi>{u.name}</bdi> : t('common.none')) },
    { id: 'role', header: t('users.role'), cell: (u) => t(`role.${u.role}`) },
    { id: 'created', header: t('users.created'), sortValue: (u) => u.createdAt, cell: (u) => formatDate(u.createdAt) },
    {
      id: 'changeRole',
      header: t('users.changeRole'),
      cell: (user) => (
        <RoleForm
          key={`${user.id}:${user.role}`}
          user={user}
          t={t}
          onAsk={(role) => {
            setMessage(null)
            changeRole.reset()
            setChanging({ user, role })
          }}
        />
      ),
    },
    {
      id: 'personalData',
      header: t('users.personalData'),
      cell: (user) => (
        <div className="row-actions">
          <Button
            variant="secondary"
            size="small"
            aria-label={t('users.exportNamed', { name: userLabel(user) })}
            isPending={exportData.isPending && exportData.variables.id === user.id}
            onPress={() => exportUser(user)}
          >
            {t('users.export')}
          </Button>
          <Button
            variant="danger"
            size="small"
            aria-label={t('users.eraseNamed', { name: userLabel(user) })}
            onPress={() => {
              setMessage(null)
              erase.reset()
              setErasing(user)
            }}
          >
            {t('users.erase')}
          </Button>
        </div>
      ),
    },
  ]

  return (
    <Page title={t('users.title')}>
      <StatusMessage message={message} />
      {exportData.isError && <ProblemAlert error={exportData.error} onRetry={() => exportUser(exportData.variables)} />}
      <DataTable
        caption={t('users.caption')}
        columns={columns}
        queryKey={userKeys.list(filter)}
        fetchPage={(page) => fetchUsersPage(filter, page)}
        getRowId={(u) => u.id}
        empty={<p className="empty">{t('users.empty')}</p>}
        filters={
          <form onSubmit={search} role="search">
            <SearchField
              label={t('users.search')}
              value={draft}
              onChange={setDraft}
              onClear={() => setFilter({ q: '' })}
              // "/" focuses the page's search (shell/useHotkeys.ts); the kit puts props on the wrapper.
              inputRef={(input) => input?.setAttribute('data-page-search', '')}
            />
            <SelectField
              label={t('users.role')}
              value={filter.role || ALL}
              onChange={(role) => setFilter({ role: ROLES.find((r) => r === role) ?? '' })}
              options={[{ id: ALL, label: t('users.allRoles') }, ...ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }))]}
            />
            <Button type="submit">{t('users.apply')}</Button>
          </form>
        }
      />
      {changing && (
        <ConfirmDialog
          title={t('users.roleTitle', { name: userLabel(changing.user), role: t(`role.${changing.role}`) })}
          confirmLabel={t('users.yesChangeRole')}
          pending={changeRole.isPending}
          onConfirm={() => changeUserRole(changing)}
          onCancel={() => setChanging(null)}
        >
          <p>{t('users.roleBody')}</p>
          {/* The last admin cannot be demoted (409): say so in plain words. */}
          {isConflict(changeRole.error) ? (
            <div className="alert error" role="alert">
              <p>{t('users.lastAdmin')}</p>
            </div>
          ) : (
            <ProblemAlert error={changeRole.error} />
          )}
        </ConfirmDialog>
      )}
      {erasing && (
        <ConfirmDialog
          title={t('users.eraseTitle', { name: userLabel(erasing) })}
          confirmLabel={t('users.yesErase')}
          pending={erase.isPending}
          onConfirm={() => eraseUser(erasing)}
          onCancel={() => setErasing(null)}
        >
          <p>{t('users.eraseBody')}</p>
          <p>
            <strong>{t('users.eraseIrreversible')}</strong>
          </p>
          {/* The last admin cannot be erased (409): say so in plain words. */}
          {isConflict(erase.error) ? (
            <div className="alert error" role="alert">
              <p>{t('users.lastAdminErase')}</p>
            </div>
          ) : (
            <ProblemAlert error={erase.error} />
          )}
        </ConfirmDialog>
      )}
    </Page>
  )
}

const isConflict = (error: unknown) => error instanceof CaravanError && error.status === 409

/** A native select in the row (one per user, so it stays light); the change is asked for first. */
function RoleForm({ user, t, onAsk }: { user: User; t: Translate; onAsk: (role: Role) => void }) {
  const id = useId()
  const [role, setRole] = useState<Role>(user.role)

  function submit(event: FormEvent) {
    event.preventDefault()
    if (role !== user.role) onAsk(role)
  }

  return (
    <form className="row-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('users.roleFor', { email: userLabel(user) })}
      </label>
      <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </select>
      <Button type="submit" size="small" isDisabled={role === user.role}>
        {t('users.changeRole')}
        <span className="visually-hidden">
          {' '}
          <bdi>{userLabel(user)}</bdi>
        </span>
      </Button>
    </form>
  )
}
