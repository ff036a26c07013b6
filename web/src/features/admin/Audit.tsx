import type { AuditEntry } from '@caravan/sdk'
import { useEffect, useState } from 'react'
import { isMessageKey, messageKeys, useI18n, type Translate } from '../../i18n'
import { Button, ComboBoxField, ProblemAlert, SelectField, type Option } from '../../ui'
import { DateRangeFilter, RelativeTime } from '../../ui/dates'
import { DataTable, useUrlState, type Column } from '../../ui/table'
import { StatusMessage, useMessage } from '../../ui/messages'
import { Page } from '../shell/Page'
import { auditKeys, fetchAuditPage, useVerifyAudit, type AuditFilter } from './audit-queries'
import { useUser, useUserSearch } from './users-queries'

const ANY = 'any'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// UUIDs are shortened to their tail: ours are UUIDv7, whose head is a timestamp shared by
// neighbours. Other ids (e.g. a notification type's key) are shown whole.
const shortId = (id: string | null) => (!id ? '' : UUID.test(id) ? `…${id.slice(-8)}` : id)

/** The actions the server records (grep "action: '" in server/src): each has its words. */
const actionKeys = () => messageKeys('auditAction.').map((key) => key.slice('auditAction.'.length))
const actionLabel = (t: Translate, action: string) => {
  const key = `auditAction.${action}`
  return isMessageKey(key) ? t(key) : action
}
const targetTypeLabel = (t: Translate, type: string) => {
  const key = `auditTarget.${type}`
  return isMessageKey(key) ? t(key) : type
}

export function Audit() {
  const { t, formatNumber } = useI18n()
  const ACTIONS = actionKeys()
  const [filter, setFilter] = useUrlState<AuditFilter>(
    { actor: '', action: '', from: '', to: '' },
    { actor: (v) => UUID.test(v), action: (v) => ACTIONS.includes(v), from: isInstant, to: isInstant },
  )
  const verify = useVerifyAudit()
  const result = verify.data
  const [copied, setCopied] = useMessage()
  const copy = async (id: string) => {
    await navigator.clipboard.writeText(id)
    setCopied((t) => t('common.copied'))
  }
  const filtered = Boolean(filter.actor || filter.action || filter.from || filter.to)

  const columns: Column<AuditEntry>[] = [
    { id: 'seq', header: t('audit.seq'), hideOnCard: true, cell: (e) => formatNumber(Number(e.seq)) },
    { id: 'at', header: t('audit.time'), sortValue: (e) => e.at, cell: (e) => <RelativeTime iso={e.at} /> },
    {
      id: 'action',
      header: t('audit.action'),
      primary: true,
      cell: (e) => <span title={e.action}>{actionLabel(t, e.action)}</span>,
    },
    { id: 'actor', header: t('audit.actor'), sortValue: (e) => actorName(t, e), cell: (e) => <Actor entry={e} onCopy={copy} /> },
    {
      id: 'target',
      header: t('audit.target'),
      cell: (e) =>
        !e.targetType ? (
          t('common.none')
        ) : (
          <span title={e.targetId ?? undefined}>
            {targetTypeLabel(t, e.targetType)}{' '}
            {e.target ? (
              <bdi>{e.target.label}</bdi>
            ) : (
              <code dir="ltr" className="wrap-anywhere">
                {shortId(e.targetId)}
              </code>
            )}
          </span>
        ),
    },
  ]

  return (
    <Page title={t('audit.title')} intro={t('audit.intro')}>
      <div className="toolbar">
        <Button variant="secondary" isPending={verify.isPending} onPress={() => verify.mutate()}>
          {t('audit.verify')}
        </Button>
      </div>
      <div role="status">
        {result && (
          <p className={result.valid ? 'alert success' : 'alert error'}>
            {result.valid
              ? t('audit.valid', { count: formatNumber(result.checked) })
              : t('audit.broken', { seq: formatNumber(Number(result.brokenAtSeq)), reason: result.reason ?? '' })}
          </p>
        )}
      </div>
      <ProblemAlert error={verify.error} onRetry={() => verify.mutate()} />
      <StatusMessage message={copied} tone="info" />
      <DataTable
        caption={t('audit.caption')}
        columns={columns}
        queryKey={auditKeys.list(filter)}
        fetchPage={(page) => fetchAuditPage(filter, page)}
        getRowId={(e) => e.seq}
        empty={<p className="empty">{filtered ? t('audit.noMatch') : t('audit.empty')}</p>}
        filters={
          <>
            <ActorFilter value={filter.actor} onChange={(actor) => setFilter({ actor })} />
            <SelectField
              label={t('audit.filterAction')}
              value={filter.action || ANY}
              onChange={(action) => setFilter({ action: !action || action === ANY ? '' : action })}
              options={[{ id: ANY, label: t('audit.anyAction') }, ...ACTIONS.map((a) => ({ id: a, label: actionLabel(t, a) }))]}
            />
            <DateRangeFilter
              label={t('audit.filterDates')}
              value={{ from: filter.from || undefined, to: filter.to || undefined }}
              onChange={(range) => setFilter({ from: range.from ?? '', to: range.to ?? '' })}
            />
            {filtered && (
              <Button variant="quiet" onPress={() => setFilter({ actor: '', action: '', from: '', to: '' })}>
                {t('audit.clearFilters')}
              </Button>
            )}
          </>
        }
      />
    </Page>
  )
}

function isInstant(value: string): boolean {
  return !Number.isNaN(Date.parse(value)) && /T/.test(value)
}

function actorName(t: Translate, e: AuditEntry): string {
  if (e.actorType === 'system') return t('audit.system')
  const name = e.actor ? (e.actor.name ?? e.actor.email ?? e.actor.externalId) : null
  if (e.actorType === 'apiKey') return `${t('audit.byApiKey')} ${name ?? shortId(e.actorId)}`
  if (e.actor && !name) return t('audit.erasedUser')
  return name ?? `${t('audit.byUser')} ${shortId(e.actorId)}`
}

/** Who acted, by name; the id is on hover and one press from the clipboard. */
function Actor({ entry, onCopy }: { entry: AuditEntry; onCopy: (id: string) => Promise<void> }) {
  const { t } = useI18n()
  const name = actorName(t, entry)
  if (!entry.actorId) return <>{name}</>
  const email = entry.actor?.name && entry.actor.email
  return (
    <span className="cell-with-action">
      <span title={entry.actorId}>
        <bdi>{name}</bdi>
        {email && (
          <span className="secondary-line wrap-anywhere">
            <bdi>{email}</bdi>
          </span>
        )}
      </span>
      <Button variant="quiet" size="small" aria-label={t('audit.copyIdOf', { name })} onPress={() => void onCopy(entry.actorId!)}>
        {t('audit.copyId')}
      </Button>
    </span>
  )
}

/** The actor filter: a user picked by typing part of a name or email, searched on the server. */
function ActorFilter({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { t } = useI18n()
  const [typed, setTyped] = useState('')
  const [q, setQ] = useState('')
  // A short pause after typing, so each key press is not a request.
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 250)
    return () => clearTimeout(timer)
  }, [typed])
  const found = useUserSearch(q)
  // A link may name someone the search has not found: read that one user for the label.
  const chosen = useUser(value)
  const label = (u: { email: string | null; name: string | null; externalId: string | null; id: string }) =>
    u.name && u.email ? `${u.name} (${u.email})` : (u.name ?? u.email ?? u.externalId ?? u.id)
  const options: Option[] = (found.data?.items ?? []).map((u) => ({ id: u.id, label: label(u) }))
  if (value && !options.some((o) => o.id === value)) options.unshift({ id: value, label: chosen.data ? label(chosen.data) : value })
  return (
    <ComboBoxField
      label={t('audit.filterActor')}
      description={t('audit.filterActorHint')}
      options={options}
      value={value || null}
      onChange={(id) => onChange(id ?? '')}
      onInputChange={setTyped}
      // The server already matched what was typed; filtering again would hide names matched by email.
      menuTrigger="input"
      allowsEmptyCollection
    />
  )
}
