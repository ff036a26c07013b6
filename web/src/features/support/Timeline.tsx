// A ticket's timeline, oldest first, for the customer (public entries only: their replies and
// support's, status changes, merges) or for an agent (everything; internal notes stand apart in
// yellow, named "Internal note"). Changes of a field read as sentences. A new entry from someone
// else is announced politely to screen readers.
import type { SupportAgent, SupportTeam, TicketDetail, TicketEvent } from '@caravan/sdk'
import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../../i18n'
import { Link } from '../../navigation'
import { EntryFiles } from './attachments'
import { useStatusLabel, useTicketNumber } from './labels'
import type { Audience } from './queries'
import { eventSentence, mergeTarget, type Naming } from './entries'

export interface TimelineProps {
  detail: TicketDetail
  audience: Audience
  /** The viewer's user id ("You"). */
  me: string
  agents?: SupportAgent[]
  teams?: SupportTeam[]
}

/** How the viewer names the people, teams and values in a timeline. */
export function useNaming({ detail, audience, me, agents, teams }: TimelineProps): Naming {
  const { t } = useI18n()
  const status = useStatusLabel(audience)
  const number = useTicketNumber()
  const known = new Map<string, string>()
  for (const e of detail.events) if (e.author?.name) known.set(e.author.id, e.author.name)
  for (const a of agents ?? []) if (a.name) known.set(a.userId, a.name)
  // Assignments name people mid-sentence: "Assigned to you", not "to You".
  const person = (id: string) => (id === me ? t('support.youObject') : (known.get(id) ?? t('support.anAgent')))
  return {
    author: (e) => {
      if (!e.author) return t('support.desk')
      if (e.author.id === me) return t('support.you')
      if (e.author.name) return e.author.name
      return e.byAgent ? t('support.anAgent') : t('support.theCustomer')
    },
    person,
    team: (id) => teams?.find((x) => x.id === id)?.name ?? t('support.aTeam'),
    status,
    priority: (p) => t(`support.priority.${p}`),
    number,
    tags: (tags) => tags.join(t('common.listSeparator')),
  }
}

export function Timeline(props: TimelineProps) {
  const { t } = useI18n()
  const { detail, audience, me } = props
  const naming = useNaming(props)
  // An agent who is also the requester gets the desk's view from the API: the customer page
  // still shows only what the customer sees.
  const events = audience === 'customer' ? detail.events.filter((e) => e.public) : detail.events
  const announcement = useAnnouncement(events, me, naming)
  return (
    <>
      <ol className="sup-timeline" aria-label={t('support.timeline')}>
        {events.map((e) => (
          <Entry key={e.id} event={e} audience={audience} naming={naming} me={me} />
        ))}
      </ol>
      <div role="status" className="visually-hidden">
        {announcement}
      </div>
    </>
  )
}

/** Says a reply or note that arrived from someone else while the page is open. */
function useAnnouncement(events: TicketEvent[], me: string, naming: Naming): string {
  const { t } = useI18n()
  const seen = useRef(new Set(events.map((e) => e.id)))
  const [text, setText] = useState('')
  useEffect(() => {
    const fresh = events.filter((e) => !seen.current.has(e.id))
    for (const e of fresh) seen.current.add(e.id)
    const last = fresh.filter((e) => (e.kind === 'reply' || e.kind === 'note') && e.author?.id !== me).at(-1)
    if (last) setText(t(last.kind === 'note' ? 'support.newNote' : 'support.newReply', { name: naming.author(last) }))
  }, [events, me, naming, t])
  return text
}

function Entry({ event, audience, naming, me }: { event: TicketEvent; audience: Audience; naming: Naming; me: string }) {
  const { t, formatDate } = useI18n()
  const time = (
    <time dateTime={event.createdAt} className="muted small">
      {formatDate(event.createdAt)}
    </time>
  )
  if (event.kind === 'reply' || event.kind === 'note') {
    const note = event.kind === 'note'
    const mine = event.author?.id === me
    const role = event.byAgent ? (audience === 'customer' ? t('support.roleSupport') : t('support.roleAgent')) : t('support.roleCustomer')
    return (
      <li className={['sup-entry', note ? 'sup-note' : event.byAgent ? 'sup-agent' : 'sup-customer', mine ? 'mine' : ''].join(' ')}>
        <div className="sup-entry-head">
          {note && <span className="sup-note-label">{t('support.internalNote')}</span>}
          <strong>
            <bdi>{naming.author(event)}</bdi>
          </strong>
          {!note && <span className="muted small">{role}</span>}
          {time}
        </div>
        <p className="sup-body" dir="auto">
          {event.body}
        </p>
        <EntryFiles ids={event.attachmentIds} />
      </li>
    )
  }
  const sentence = eventSentence(event, naming)
  if (!sentence) return null
  const target = mergeTarget(event)
  const base = audience === 'customer' ? '/support/tickets/' : '/console/support/tickets/'
  return (
    <li className="sup-change">
      <span>
        {t(sentence.key, sentence.values)}
        {target && (
          <>
            {' '}
            <Link to={base + encodeURIComponent(target)}>{t('support.openMerged', { number: sentence.values.number })}</Link>
          </>
        )}
      </span>
      {time}
    </li>
  )
}
