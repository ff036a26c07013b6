// The ticket's fields beside its timeline: status, priority, assignee and team (each saved as it
// is chosen), the tags (added and removed one by one), the SLA clocks with their due times, a
// macro menu, and merging another ticket of the same customer into this one (asked first).
// A closed ticket changes no more: its fields show, read only.
import type { SupportAgent, SupportTeam, Ticket, UpdateTicketInput } from '@caravan/sdk'
import { useState, type FormEvent } from 'react'
import { Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components'
import { useI18n } from '../../../i18n'
import { Button, ConfirmDialog, SelectField, TextField } from '../../../ui'
import { asCaravanError, StatusMessage, useMessage, type Say } from '../../../ui/messages'
import { PRIORITIES, SlaBadge, STATUSES, useTicketNumber } from '../labels'
import { supportProblem } from '../problems'
import { useApplyMacro, useMacros, useMerge, useUpdateTicket } from '../queries'

const NOBODY = 'nobody'
// The server's rule for a tag: letters, digits, '-', '_' and ':' (Persian letters too).
const TAG = /^[\p{L}\p{N}_:-]{1,50}$/u

export function TicketFields({ ticket, agents, teams }: { ticket: Ticket; agents: SupportAgent[]; teams: SupportTeam[] }) {
  const { t } = useI18n()
  const update = useUpdateTicket(ticket.id)
  const [message, setMessage] = useMessage()
  const closed = ticket.status === 'closed'
  const change = (input: UpdateTicketInput, say: Say) => {
    setMessage(null)
    update.mutate(input, { onSuccess: () => setMessage(say) })
  }
  const assignees = [...agents].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))

  return (
    <section className="card sup-fields" aria-labelledby="sup-fields">
      <h2 id="sup-fields">{t('support.fields')}</h2>
      {closed && <p className="muted">{t('support.closedReadOnly')}</p>}
      <div className="sup-field-grid">
        <SelectField
          label={t('support.statusLabel')}
          value={ticket.status}
          isDisabled={closed}
          onChange={(v) =>
            v &&
            v !== ticket.status &&
            change({ status: v as Ticket['status'] }, (t) =>
              t('support.statusSaved', { status: t(`support.status.${v as Ticket['status']}`) }),
            )
          }
          options={STATUSES.map((s) => ({ id: s, label: t(`support.status.${s}`) }))}
        />
        <SelectField
          label={t('support.priorityLabel')}
          value={ticket.priority}
          isDisabled={closed}
          onChange={(v) =>
            v &&
            v !== ticket.priority &&
            change({ priority: v as Ticket['priority'] }, (t) =>
              t('support.prioritySaved', { priority: t(`support.priority.${v as Ticket['priority']}`) }),
            )
          }
          options={PRIORITIES.map((p) => ({ id: p, label: t(`support.priority.${p}`) }))}
        />
        <SelectField
          label={t('support.assignee')}
          value={ticket.assignee?.id ?? NOBODY}
          isDisabled={closed}
          onChange={(v) => {
            const to = !v || v === NOBODY ? null : v
            if (to === (ticket.assignee?.id ?? null)) return
            const name = assignees.find((a) => a.userId === to)?.name
            change({ assigneeId: to }, (t) =>
              to ? t('support.assigneeSaved', { name: name ?? t('support.anAgent') }) : t('support.unassignedSaved'),
            )
          }}
          options={[
            { id: NOBODY, label: t('support.unassigned') },
            ...assignees.map((a) => ({ id: a.userId, label: a.name ?? t('support.anAgent') })),
            // Someone no longer listed (demoted meanwhile) still shows as who holds it.
            ...(ticket.assignee && !assignees.some((a) => a.userId === ticket.assignee!.id)
              ? [{ id: ticket.assignee.id, label: ticket.assignee.name ?? t('support.anAgent') }]
              : []),
          ]}
        />
        {teams.length > 1 && ticket.teamId && (
          <SelectField
            label={t('support.team')}
            value={ticket.teamId}
            isDisabled={closed}
            onChange={(v) =>
              v &&
              v !== ticket.teamId &&
              change({ teamId: v }, (t) => t('support.teamSaved', { team: teams.find((x) => x.id === v)?.name ?? '' }))
            }
            options={teams.map((x) => ({ id: x.id, label: x.name }))}
          />
        )}
      </div>
      {update.error != null && (
        <p className="field-error" role="alert">
          {supportProblem(t, asCaravanError(update.error))}
        </p>
      )}
      <TagsEditor ticket={ticket} disabled={closed} onSaved={setMessage} />
      <MacroMenu ticket={ticket} disabled={closed} onDone={setMessage} />
      <StatusMessage message={message} />
    </section>
  )
}

function TagsEditor({ ticket, disabled, onSaved }: { ticket: Ticket; disabled: boolean; onSaved: (say: Say) => void }) {
  const { t } = useI18n()
  const update = useUpdateTicket(ticket.id)
  const [draft, setDraft] = useState('')
  const [invalid, setInvalid] = useState(false)
  const tags = ticket.tags ?? []
  const save = (next: string[], say: Say) => update.mutate({ tags: next }, { onSuccess: () => onSaved(say) })

  function add(event: FormEvent) {
    event.preventDefault()
    const tag = draft.trim().toLowerCase()
    if (!tag) return
    if (!TAG.test(tag)) return setInvalid(true)
    setInvalid(false)
    setDraft('')
    if (!tags.includes(tag)) save([...tags, tag], (t) => t('support.tagAdded', { tag }))
  }

  return (
    <div className="sup-tags" role="group" aria-labelledby="sup-tags-title">
      <h3 id="sup-tags-title">{t('support.tags')}</h3>
      {tags.length ? (
        <ul className="sup-tag-list">
          {tags.map((tag) => (
            <li key={tag} className="sup-tag">
              <bdi>{tag}</bdi>
              {!disabled && (
                <Button
                  variant="quiet"
                  size="small"
                  className="sup-tag-remove"
                  aria-label={t('support.removeTag', { tag })}
                  isDisabled={update.isPending}
                  onPress={() =>
                    save(
                      tags.filter((x) => x !== tag),
                      (t) => t('support.tagRemoved', { tag }),
                    )
                  }
                >
                  ×
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('support.noTags')}</p>
      )}
      {!disabled && (
        <form className="sup-inline-form" onSubmit={add}>
          <TextField
            label={t('support.addTag')}
            value={draft}
            onChange={(v) => {
              setDraft(v)
              setInvalid(false)
            }}
            errorMessage={invalid ? t('support.tagInvalid') : undefined}
            dir="auto"
          />
          <Button type="submit" variant="secondary" isPending={update.isPending}>
            {t('support.add')}
          </Button>
        </form>
      )}
      {update.error != null && (
        <p className="field-error" role="alert">
          {supportProblem(t, asCaravanError(update.error))}
        </p>
      )}
    </div>
  )
}

function MacroMenu({ ticket, disabled, onDone }: { ticket: Ticket; disabled: boolean; onDone: (say: Say) => void }) {
  const { t } = useI18n()
  const macros = useMacros()
  const apply = useApplyMacro(ticket.id)
  if (!macros.data?.length) return null
  return (
    <div className="sup-macros">
      <MenuTrigger>
        <Button variant="secondary" isDisabled={disabled} isPending={apply.isPending}>
          {t('support.applyMacro')}
        </Button>
        <Popover className="popover" placement="bottom start">
          <Menu
            className="listbox sup-menu"
            aria-label={t('support.macros')}
            onAction={(key) => {
              const macro = macros.data.find((m) => m.id === key)
              if (macro) apply.mutate(macro.id, { onSuccess: () => onDone((t) => t('support.macroApplied', { name: macro.name })) })
            }}
          >
            {macros.data.map((m) => (
              <MenuItem key={m.id} id={m.id} className="option" textValue={m.name}>
                {m.name}
              </MenuItem>
            ))}
          </Menu>
        </Popover>
      </MenuTrigger>
      {apply.error != null && (
        <p className="field-error" role="alert">
          {supportProblem(t, asCaravanError(apply.error))}
        </p>
      )}
    </div>
  )
}

/** Each clock: what it measures, its state, and when it is (was) due. */
export function SlaClocks({ ticket }: { ticket: Ticket }) {
  const { t, formatDate } = useI18n()
  const clocks = (ticket.sla ?? []).filter((c) => c.status !== 'none')
  return (
    <section className="card sup-sla-card" aria-labelledby="sup-sla">
      <h2 id="sup-sla">{t('support.slaTitle')}</h2>
      {clocks.length ? (
        <dl className="sup-clocks">
          {clocks.map((c) => (
            <div key={c.metric}>
              <dt>{t(`support.sla.${c.metric}`)}</dt>
              <dd>
                <SlaBadge clock={c} />
                {c.dueAt && <span className="muted small">{t('support.dueAt', { date: formatDate(c.dueAt) })}</span>}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">{t('support.noSla')}</p>
      )}
    </section>
  )
}

/** Merges another ticket (by its number) into this one, after asking. */
export function MergeTicket({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n()
  const number = useTicketNumber()
  const merge = useMerge(ticket.id)
  const [draft, setDraft] = useState('')
  const [invalid, setInvalid] = useState(false)
  const [asking, setAsking] = useState<number | null>(null)
  const [message, setMessage] = useMessage()
  if (ticket.status === 'closed') return null

  function ask(event: FormEvent) {
    event.preventDefault()
    setMessage(null)
    // Persian digits typed are the same numbers.
    const digits = draft
      .trim()
      .replace(/^#/, '')
      .replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)))
    const n = /^\d{1,9}$/.test(digits) ? Number(digits) : NaN
    if (!n || n === ticket.number) return setInvalid(true)
    setInvalid(false)
    merge.reset()
    setAsking(n)
  }

  return (
    <section className="card sup-merge" aria-labelledby="sup-merge">
      <h2 id="sup-merge">{t('support.mergeTitle')}</h2>
      <p className="muted small">{t('support.mergeHint', { number: number(ticket.number) })}</p>
      <form className="sup-inline-form" onSubmit={ask}>
        <TextField
          label={t('support.mergeNumber')}
          value={draft}
          onChange={(v) => {
            setDraft(v)
            setInvalid(false)
          }}
          errorMessage={invalid ? t('support.mergeInvalid') : undefined}
          dir="ltr"
          inputMode="numeric"
        />
        <Button type="submit" variant="secondary">
          {t('support.merge')}
        </Button>
      </form>
      <StatusMessage message={message} />
      {asking !== null && (
        <ConfirmDialog
          title={t('support.mergeConfirmTitle', { source: number(asking), target: number(ticket.number) })}
          confirmLabel={t('support.mergeConfirm')}
          pending={merge.isPending}
          onConfirm={() =>
            merge.mutate(asking, {
              onSuccess: () => {
                setAsking(null)
                setDraft('')
                setMessage((t) => t('support.merged', { source: number(asking), target: number(ticket.number) }))
              },
            })
          }
          onCancel={() => setAsking(null)}
        >
          <p>{t('support.mergeConfirmBody', { source: number(asking) })}</p>
          {merge.error != null && (
            <p className="field-error" role="alert">
              {asCaravanError(merge.error).code === 'unprocessable'
                ? t('support.mergeNoSuch', { number: number(asking) })
                : supportProblem(t, asCaravanError(merge.error))}
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  )
}
