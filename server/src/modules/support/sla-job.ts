// The support desk's minute job: flags SLA breaches and warns before them (each once per ticket and
// clock, by a conditional array update, so two nodes running it at once cannot warn twice), closes
// solved tickets that stayed idle, and hands waiting tickets to agents who became available.
import type { Db } from '../../core/db/client'
import type { EventBus } from '../../core/events/bus'
import type { Agents } from './agents'
import { AGENTS_ROOM } from './events'
import { eventsRepo, teamsRepo, ticketsRepo, type TicketRow } from './repo'
import type { SupportSettingsStore } from './settings'
import type { SlaMetric } from './tables'
import type { SupportNotice, Tickets } from './tickets'

const DUE: Record<SlaMetric, (t: TicketRow) => Date | null> = {
  first_response: (t) => (t.firstRespondedAt ? null : t.firstResponseDueAt),
  next_response: (t) => t.nextResponseDueAt,
  resolution: (t) => t.resolutionDueAt,
}

export function createSlaJob(deps: {
  db: Db
  events: EventBus
  settings: SupportSettingsStore
  tickets: Tickets
  agents: Agents
  notify: (tx: Parameters<Parameters<Db['transaction']>[0]>[0], notices: SupportNotice[]) => Promise<void>
  now?: () => Date
}) {
  const { db, events, settings, tickets } = deps
  const now = deps.now ?? (() => new Date())

  async function flag(t: TicketRow, metric: SlaMetric, level: 'warning' | 'breached', dueAt: Date) {
    await events.inTransaction(db, async (tx, raise) => {
      if (!(await ticketsRepo.addSlaFlag(tx, t.id, level === 'breached' ? 'slaBreaches' : 'slaWarnings', metric))) return
      if (t.assigneeId)
        await deps.notify(tx, [
          {
            type: 'support.sla_alert',
            to: t.assigneeId,
            data: { ticketId: t.id, number: t.number, subject: t.subject, metric, level, dueAt: dueAt.toISOString() },
            idempotencyKey: `support:sla:${t.id}:${metric}:${level}:${dueAt.getTime()}`,
          },
        ])
      raise(
        events.event(
          'support.sla',
          { ticketId: t.id, number: t.number, metric, level, dueAt: dueAt.toISOString(), assigneeId: t.assigneeId },
          { rooms: [AGENTS_ROOM] },
        ),
      )
    })
  }

  /** Warnings and breaches due now; answers how many flags were raised. */
  async function checkSla(limit = 500): Promise<number> {
    const at = now()
    const { slaWarnMinutes } = await settings.read()
    const warnBy = new Date(at.getTime() + slaWarnMinutes * 60_000)
    let raised = 0
    for (const t of await ticketsRepo.slaDue(db, warnBy, limit)) {
      for (const metric of Object.keys(DUE) as SlaMetric[]) {
        const dueAt = DUE[metric](t)
        if (!dueAt) continue
        if (dueAt <= at && !t.slaBreaches.includes(metric)) {
          await flag(t, metric, 'breached', dueAt)
          raised++
        } else if (dueAt <= warnBy && dueAt > at && !t.slaWarnings.includes(metric)) {
          await flag(t, metric, 'warning', dueAt)
          raised++
        }
      }
    }
    return raised
  }

  /** Solved tickets idle past the setting are closed (a customer reply before that reopens them instead). */
  async function autoClose(limit = 500): Promise<number> {
    const s = await settings.read()
    const { autoCloseHours } = s
    if (!autoCloseHours) return 0
    const before = new Date(now().getTime() - autoCloseHours * 3_600_000)
    let closed = 0
    for (const idle of await ticketsRepo.idleSolved(db, before, limit)) {
      const done = await db.transaction(async (tx) => {
        const t = await ticketsRepo.lock(tx, idle.id)
        // Re-checked under the lock: a reply may have reopened it meanwhile.
        if (!t || t.status !== 'solved' || t.lastActivityAt > before) return null
        const change = await tickets.statusChange(tx, t, 'closed', null, s)
        const updated = await ticketsRepo.update(tx, t.id, change.patch)
        const written = await eventsRepo.insert(
          tx,
          change.entries.map((e) => ({ ...e, data: { ...e.data, reason: 'idle' } })),
        )
        return { updated, written }
      })
      if (!done) continue
      await tickets.announce(done.updated, done.written)
      closed++
    }
    return closed
  }

  async function run() {
    const flags = await checkSla()
    const closed = await autoClose()
    await deps.agents.assignWaiting((await teamsRepo.list(db)).map((t) => t.id))
    return { flags, closed }
  }

  return { run, checkSla, autoClose }
}
