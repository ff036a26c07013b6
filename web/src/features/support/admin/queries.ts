// The support desk's setup in the query cache: teams, agents (status, capacity, load), the staff
// who may join a team, the settings, canned responses, macros and live chat sites; and the writes,
// each putting its answer in place or reading again what it changes.
import type {
  CannedResponse,
  CannedResponseInput,
  CreateSupportTeamInput,
  CreateWidgetSiteInput,
  Macro,
  MacroInput,
  UpdateSupportSettingsInput,
  UpdateSupportTeamInput,
  UpdateWidgetSiteInput,
  User,
} from '@caravan/sdk'
import { useMutation, useQuery } from '@tanstack/react-query'
import { queryClient } from '../../../data/queryClient'
import { client } from '../../auth/session'

export const supportAdminKeys = {
  all: ['support-admin'] as const,
  teams: ['support-admin', 'teams'] as const,
  agents: ['support-admin', 'agents'] as const,
  staff: ['support-admin', 'staff'] as const,
  settings: ['support-admin', 'settings'] as const,
  canned: ['support-admin', 'canned'] as const,
  cannedSearch: (q: string) => ['support-admin', 'canned', q] as const,
  macros: ['support-admin', 'macros'] as const,
  sites: ['support-admin', 'sites'] as const,
}

export const useTeams = () => useQuery({ queryKey: supportAdminKeys.teams, queryFn: ({ signal }) => client.support.teams({ signal }) })

export const useAgents = () => useQuery({ queryKey: supportAdminKeys.agents, queryFn: ({ signal }) => client.support.agents({ signal }) })

/** Up to 100 agents and 100 admins: who may be a team's member (admin only: it lists users). */
export async function fetchStaff(signal?: AbortSignal): Promise<User[]> {
  const [agents, admins] = await Promise.all([
    client.admin.listUsers({ role: 'agent', limit: 100 }, { signal }),
    client.admin.listUsers({ role: 'admin', limit: 100 }, { signal }),
  ])
  return [...agents.items, ...admins.items]
}

export const useStaff = (enabled = true) =>
  useQuery({ queryKey: supportAdminKeys.staff, queryFn: ({ signal }) => fetchStaff(signal), enabled })

export function useSaveTeam() {
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: CreateSupportTeamInput | UpdateSupportTeamInput }) =>
      id ? client.support.updateTeam(id, input) : client.support.createTeam(input as CreateSupportTeamInput),
    // The list and the table's copy of it are read again; members changed, so the agents' teams too.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: supportAdminKeys.teams })
      void queryClient.invalidateQueries({ queryKey: supportAdminKeys.agents })
    },
  })
}

export function useSetCapacity() {
  return useMutation({
    mutationFn: ({ userId, capacity }: { userId: string; capacity: number }) => client.support.setCapacity(userId, capacity),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.agents }),
  })
}

export const useSupportSettings = () =>
  useQuery({ queryKey: supportAdminKeys.settings, queryFn: ({ signal }) => client.support.settings({ signal }) })

export function useUpdateSupportSettings() {
  return useMutation({
    mutationFn: (input: UpdateSupportSettingsInput) => client.support.updateSettings(input),
    onSuccess: (saved) => queryClient.setQueryData(supportAdminKeys.settings, saved),
  })
}

/** Canned responses by shortcut or title (the server searches; 200 at most). */
export const useCannedResponses = (q: string) =>
  useQuery({
    queryKey: supportAdminKeys.cannedSearch(q),
    queryFn: ({ signal }) => client.support.cannedResponses({ q: q || undefined, limit: 200 }, { signal }),
    placeholderData: (previous) => previous,
  })

export function useSaveCanned() {
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: CannedResponseInput }): Promise<CannedResponse> =>
      id ? client.support.updateCannedResponse(id, input) : client.support.createCannedResponse(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.canned }),
  })
}

export function useDeleteCanned() {
  return useMutation({
    mutationFn: (id: string) => client.support.deleteCannedResponse(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.canned }),
  })
}

export const useMacros = () => useQuery({ queryKey: supportAdminKeys.macros, queryFn: ({ signal }) => client.support.macros({ signal }) })

export function useSaveMacro() {
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: MacroInput }): Promise<Macro> =>
      id ? client.support.updateMacro(id, input) : client.support.createMacro(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.macros }),
  })
}

export function useDeleteMacro() {
  return useMutation({
    mutationFn: (id: string) => client.support.deleteMacro(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.macros }),
  })
}

export const useSites = () => useQuery({ queryKey: supportAdminKeys.sites, queryFn: ({ signal }) => client.support.sites.list({ signal }) })

/** A new site answers with its identity secret: the caller shows it, the cache never holds it. */
export function useCreateSite() {
  return useMutation({
    mutationFn: (input: CreateWidgetSiteInput) => client.support.sites.create(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.sites }),
  })
}

export function useUpdateSite() {
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateWidgetSiteInput }) => client.support.sites.update(id, patch),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.sites }),
  })
}

export function useDeleteSite() {
  return useMutation({
    mutationFn: (id: string) => client.support.sites.remove(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: supportAdminKeys.sites }),
  })
}

export const useRotateSiteSecret = () => useMutation({ mutationFn: (id: string) => client.support.sites.rotateSecret(id) })
