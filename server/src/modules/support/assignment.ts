// Automatic assignment: round robin among the team's available agents with free capacity. The team's
// row is locked for the pick, so two tickets created at once go to two agents, not both to the one
// who waited longest; the pick moves that agent to the back of the line (last_assigned_at).
import type { Executor } from '../../core/db/client'
import type { Presence } from '../../core/realtime/presence'
import { agentsRepo, teamsRepo } from './repo'
import type { SupportSettings, SupportSettingsStore } from './settings'

export function createAssignment(deps: { presence: Presence; settings: SupportSettingsStore }) {
  /** Of these agents, those who count as available: online, and with autoOffline, with a console open. */
  async function available(userIds: string[], settings?: Pick<SupportSettings, 'autoOffline'>): Promise<Set<string>> {
    if (!(settings ?? (await deps.settings.read())).autoOffline) return new Set(userIds)
    return deps.presence.online(userIds)
  }

  /**
   * The agent who gets the team's next ticket, or null when nobody can take it (it waits, unassigned).
   * Inside the ticket's transaction, so the settings come from the caller (no second connection).
   */
  async function pick(tx: Executor, teamId: string, settings: Pick<SupportSettings, 'autoOffline'>): Promise<string | null> {
    await teamsRepo.lock(tx, teamId)
    const candidates = (await agentsRepo.candidates(tx, teamId)).filter((c) => c.load < c.capacity)
    const live = await available(
      candidates.map((c) => c.userId),
      settings,
    )
    const chosen = candidates.find((c) => live.has(c.userId))
    if (!chosen) return null
    await agentsRepo.markAssigned(tx, chosen.userId)
    return chosen.userId
  }

  return { pick, available }
}

export type Assignment = ReturnType<typeof createAssignment>
