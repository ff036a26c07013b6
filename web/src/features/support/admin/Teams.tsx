// /console/support/teams: the desk's teams (a support address, members, business hours that the
// SLA clocks count in), created and edited in a form beside the list, and the agents' capacity:
// how many active tickets round robin gives each at most.
import type { SupportAgent, SupportTeam, User } from '@caravan/sdk'
import { useEffect, useId, useRef, useState } from 'react'
import { Controller } from 'react-hook-form'
import { useI18n } from '../../../i18n'
import {
  asCaravanError,
  Button,
  Checkbox,
  Form,
  FormTextField,
  NumberField,
  ProblemAlert,
  SubmitButton,
  useServerForm,
  type ServerForm,
} from '../../../ui'
import { queryClient } from '../../../data/queryClient'
import { StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { DataTable, type Column } from '../../../ui/table'
import { useUnsavedChanges } from '../../../ui/useUnsavedChanges'
import { client } from '../../auth/session'
import { Page } from '../../shell/Page'
import { fetchStaff, supportAdminKeys, useAgents, useSaveTeam, useSetCapacity, useStaff, useTeams } from './queries'
import { defaultSchedule, openDays, toApiSchedule, toFormSchedule, weeklyMinutes } from './schedule'
import { ScheduleEditor, type TeamValues } from './ScheduleEditor'
import './admin.css'

const NEW = 'new'

export function SupportTeams() {
  const { t, formatNumber } = useI18n()
  const [message, setMessage] = useMessage()
  const [editing, setEditing] = useState<string | null>(null)
  const teams = useTeams()
  const team = editing && editing !== NEW ? teams.data?.find((x) => x.id === editing) : undefined

  const columns: Column<SupportTeam>[] = [
    {
      id: 'name',
      header: t('sadmin.team'),
      primary: true,
      sortValue: (x) => x.name,
      cell: (x) => (
        <>
          <bdi>{x.name}</bdi>
          {x.isDefault && <span className="tag">{t('sadmin.defaultTeam')}</span>}
        </>
      ),
    },
    {
      id: 'email',
      header: t('sadmin.email'),
      cell: (x) => (x.email ? <bdi className="wrap-anywhere">{x.email}</bdi> : t('common.none')),
    },
    { id: 'members', header: t('sadmin.members'), sortValue: (x) => x.memberIds.length, cell: (x) => formatNumber(x.memberIds.length) },
    {
      id: 'hours',
      header: t('sadmin.hours'),
      cell: (x) => (
        <>
          {t('sadmin.hoursSummary', {
            days: openDays(x.schedule.week),
            hours: Math.round(weeklyMinutes(x.schedule.week) / 6) / 10,
          })}
          <span className="secondary-line">
            <bdi dir="ltr">{x.schedule.timezone}</bdi>
          </span>
        </>
      ),
    },
  ]

  return (
    <Page title={t('sadmin.teamsTitle')} intro={t('sadmin.teamsIntro')}>
      <StatusMessage message={message} />
      <div className="toolbar">
        <Button
          aria-expanded={editing === NEW}
          onPress={() => {
            setMessage(null)
            setEditing(editing === NEW ? null : NEW)
          }}
        >
          {t('sadmin.newTeam')}
        </Button>
      </div>
      {(editing === NEW || team) && (
        <TeamEditor
          key={team?.id ?? NEW}
          team={team ?? null}
          onDone={(say) => {
            setEditing(null)
            setMessage(say)
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <DataTable
        caption={t('sadmin.teamsTitle')}
        columns={columns}
        queryKey={[...supportAdminKeys.teams, 'table']}
        fetchPage={async ({ signal }) => {
          // Through the page's own entry, so a save (which invalidates both) shows in the table.
          const items = await queryClient.fetchQuery({ queryKey: supportAdminKeys.teams, queryFn: () => client.support.teams({ signal }) })
          return { items, nextCursor: null }
        }}
        getRowId={(x) => x.id}
        rowActions={(x) => (
          <Button
            variant="secondary"
            size="small"
            aria-expanded={editing === x.id}
            aria-label={t('sadmin.editNamed', { name: x.name })}
            onPress={() => {
              setMessage(null)
              setEditing(editing === x.id ? null : x.id)
            }}
          >
            {t('sadmin.edit')}
          </Button>
        )}
      />
      <AgentsCapacity teams={teams.data ?? []} />
    </Page>
  )
}

function TeamEditor({ team, onDone, onCancel }: { team: SupportTeam | null; onDone: (say: Say) => void; onCancel: () => void }) {
  const { t, timeZone } = useI18n()
  const titleId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const save = useSaveTeam()
  // Opening the editor moves focus to it, so keyboard and screen reader users land in the form.
  useEffect(() => heading.current?.focus(), [])
  const form = useServerForm<TeamValues>({
    defaultValues: {
      name: team?.name ?? '',
      email: team?.email ?? '',
      memberIds: team?.memberIds ?? [],
      schedule: team ? toFormSchedule(team.schedule) : defaultSchedule(timeZone === 'UTC' ? 'Asia/Tehran' : timeZone),
    },
    onSubmit: async (values) => {
      const input = {
        name: values.name.trim(),
        email: values.email.trim() || null,
        memberIds: values.memberIds,
        schedule: toApiSchedule(values.schedule),
      }
      try {
        const saved = await save.mutateAsync({ id: team?.id ?? null, input })
        const name = saved.name
        onDone((t) => t(team ? 'sadmin.teamSaved' : 'sadmin.teamCreated', { name }))
      } catch (error) {
        // The name or the address is another team's: said on the name, in our words.
        if (asCaravanError(error).status === 409) {
          form.setError('name', { type: 'server', message: t('sadmin.teamTaken') })
          form.setFocus('name')
          return
        }
        throw error
      }
    },
  })
  const guard = useUnsavedChanges(form.formState.isDirty)
  return (
    <section className="card sadmin-editor" aria-labelledby={titleId}>
      {guard}
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        {team ? t('sadmin.editTeamTitle', { name: team.name }) : t('sadmin.newTeamTitle')}
      </h2>
      <Form
        form={form}
        className="wide"
        aria-labelledby={titleId}
        actions={
          <div className="toolbar">
            <SubmitButton>{team ? t('sadmin.saveTeam') : t('sadmin.createTeam')}</SubmitButton>
            <Button variant="secondary" onPress={onCancel}>
              {t('common.cancel')}
            </Button>
          </div>
        }
      >
        <div className="field-row sadmin-top">
          <FormTextField
            control={form.control}
            name="name"
            label={t('sadmin.teamName')}
            isRequired
            dir="auto"
            maxLength={100}
            autoComplete="off"
          />
          <FormTextField
            control={form.control}
            name="email"
            type="email"
            label={t('sadmin.email')}
            description={t('sadmin.emailHint')}
            optional
            autoComplete="off"
            rules={{ validate: (text) => !text.trim() || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim()) || t('fieldError.email') }}
          />
        </div>
        <MemberPicker form={form} />
        <ScheduleEditor form={form} />
      </Form>
    </section>
  )
}

interface Person {
  id: string
  name: string | null
  email: string | null
}

/** Staff from the users list, plus members it does not show (beyond its first page, or an agent's row only). */
function peopleOf(staff: User[], agents: SupportAgent[], memberIds: string[]): Person[] {
  const people = new Map<string, Person>(staff.map((u) => [u.id, { id: u.id, name: u.name, email: u.email ?? u.externalId }]))
  for (const a of agents) if (!people.has(a.userId)) people.set(a.userId, { id: a.userId, name: a.name, email: null })
  for (const id of memberIds) if (!people.has(id)) people.set(id, { id, name: null, email: null })
  const collator = new Intl.Collator(undefined, { sensitivity: 'base' })
  return [...people.values()].sort((a, b) => collator.compare(a.name ?? a.email ?? a.id, b.name ?? b.email ?? b.id))
}

function MemberPicker({ form }: { form: ServerForm<TeamValues> }) {
  const { t } = useI18n()
  const staff = useStaff()
  const agents = useAgents()
  return (
    <Controller
      control={form.control}
      name="memberIds"
      render={({ field }) => {
        const chosen = field.value
        const people = peopleOf(staff.data ?? [], agents.data ?? [], chosen)
        // A member the server refused is named by its place (memberIds.2).
        const errors = form.formState.errors.memberIds
        const error = Array.isArray(errors) ? errors.find(Boolean)?.message : errors?.message
        return (
          <fieldset className={error ? 'checks sadmin-members invalid' : 'checks sadmin-members'}>
            <legend>{t('sadmin.members')}</legend>
            <p className="hint">{t('sadmin.membersHint')}</p>
            {staff.isError && <ProblemAlert error={staff.error} onRetry={() => void staff.refetch()} />}
            {staff.isPending && <p className="muted">{t('common.loading')}</p>}
            {staff.data && people.length === 0 && <p className="muted">{t('sadmin.noStaff')}</p>}
            {people.map((p, i) => (
              <Checkbox
                key={p.id}
                inputRef={i === 0 ? field.ref : undefined}
                label={
                  <>
                    <bdi>{p.name ?? p.email ?? p.id}</bdi>
                    {p.name && p.email && (
                      <bdi dir="ltr" className="secondary-line">
                        {p.email}
                      </bdi>
                    )}
                  </>
                }
                isSelected={chosen.includes(p.id)}
                onChange={(on) => field.onChange(on ? [...chosen, p.id] : chosen.filter((id) => id !== p.id))}
              />
            ))}
            {error && <p className="field-error">{error}</p>}
          </fieldset>
        )
      }}
    />
  )
}

interface AgentRow {
  userId: string
  name: string
  agent: SupportAgent | null
}

/** Every agent and admin: those with a desk row (status, load), and staff who have none yet. */
async function fetchAgentRows(signal: AbortSignal): Promise<AgentRow[]> {
  const [agents, staff] = await Promise.all([
    queryClient.fetchQuery({ queryKey: supportAdminKeys.agents, queryFn: () => client.support.agents({ signal }) }),
    queryClient.fetchQuery({ queryKey: supportAdminKeys.staff, queryFn: () => fetchStaff(signal) }),
  ])
  const rows: AgentRow[] = agents.map((a) => {
    const user = staff.find((u) => u.id === a.userId)
    return { userId: a.userId, name: a.name ?? user?.email ?? a.userId, agent: a }
  })
  for (const u of staff)
    if (!agents.some((a) => a.userId === u.id)) rows.push({ userId: u.id, name: u.name ?? u.email ?? u.externalId ?? u.id, agent: null })
  return rows
}

function AgentsCapacity({ teams }: { teams: SupportTeam[] }) {
  const { t, formatNumber } = useI18n()
  const titleId = useId()
  const [message, setMessage] = useMessage()
  const teamName = (id: string) => teams.find((x) => x.id === id)?.name ?? id
  const columns: Column<AgentRow>[] = [
    { id: 'agent', header: t('sadmin.agent'), primary: true, sortValue: (r) => r.name, cell: (r) => <bdi>{r.name}</bdi> },
    {
      id: 'status',
      header: t('sadmin.status'),
      cell: (r) => {
        const status = r.agent?.status ?? 'offline'
        return <span className={`status sadmin-presence-${status}`}>{t(`sadmin.presence.${status}`)}</span>
      },
    },
    {
      id: 'available',
      header: t('sadmin.available'),
      cell: (r) => (r.agent?.available ? t('sadmin.yes') : t('sadmin.no')),
    },
    {
      id: 'load',
      header: t('sadmin.load'),
      sortValue: (r) => r.agent?.load ?? 0,
      cell: (r) =>
        r.agent
          ? t('sadmin.loadOf', { load: formatNumber(r.agent.load), capacity: formatNumber(r.agent.capacity) })
          : t('sadmin.notStarted'),
    },
    {
      id: 'teams',
      header: t('sadmin.teams'),
      cell: (r) =>
        r.agent?.teamIds.length ? <bdi>{r.agent.teamIds.map(teamName).join(t('common.listSeparator'))}</bdi> : t('common.none'),
    },
    {
      id: 'capacity',
      header: t('sadmin.setCapacity'),
      cell: (r) => <CapacityForm key={`${r.userId}:${r.agent?.capacity}`} row={r} onSaved={setMessage} />,
    },
  ]
  return (
    <section aria-labelledby={titleId} className="sadmin-agents">
      <h2 id={titleId}>{t('sadmin.agentsTitle')}</h2>
      <p className="hint">{t('sadmin.agentsIntro')}</p>
      <StatusMessage message={message} />
      <DataTable
        caption={t('sadmin.agentsTitle')}
        columns={columns}
        queryKey={[...supportAdminKeys.agents, 'table']}
        fetchPage={async ({ signal }) => ({ items: await fetchAgentRows(signal), nextCursor: null })}
        getRowId={(r) => r.userId}
        sortParam="agentSort"
        empty={<p>{t('sadmin.noStaff')}</p>}
      />
    </section>
  )
}

function CapacityForm({ row, onSaved }: { row: AgentRow; onSaved: (say: Say | null) => void }) {
  const { t } = useI18n()
  const [value, setValue] = useState(row.agent?.capacity ?? NaN)
  const set = useSetCapacity()
  const invalid = Number.isNaN(value) || value < 0 || value > 1000
  return (
    <form
      className="row-form sadmin-capacity"
      onSubmit={(event) => {
        event.preventDefault()
        if (invalid) return
        onSaved(null)
        set.mutate(
          { userId: row.userId, capacity: value },
          {
            onSuccess: async (saved) => {
              // The staff list is read again too: a first capacity gives the agent a desk row.
              await queryClient.invalidateQueries({ queryKey: supportAdminKeys.agents })
              const name = row.name
              onSaved((t) => t('sadmin.capacitySaved', { name, capacity: saved.capacity }))
            },
          },
        )
      }}
    >
      <NumberField
        label={<span className="visually-hidden">{t('sadmin.capacityOf', { name: row.name })}</span>}
        value={value}
        onChange={setValue}
        minValue={0}
        maxValue={1000}
        step={1}
        formatOptions={{ useGrouping: false, maximumFractionDigits: 0 }}
        className="sadmin-capacity-field"
        errorMessage={set.isError ? t('sadmin.capacityFailed') : undefined}
      />
      <Button
        type="submit"
        variant="secondary"
        size="small"
        isPending={set.isPending}
        aria-label={t('sadmin.saveCapacityNamed', { name: row.name })}
      >
        {t('sadmin.save')}
      </Button>
    </form>
  )
}
