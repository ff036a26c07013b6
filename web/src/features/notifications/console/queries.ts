// The notifications console's server data in the query cache: types with their templates and
// workflows, providers, the module's rules, workflow runs, and the people named by id in versions
// and deliveries.
// Writes update or invalidate what they change; switching a provider on or off shows at once
// and is put back if the server refuses.
import type {
  CreateNotificationProviderInput,
  CreateNotificationTypeInput,
  Locale,
  NotificationChannel,
  NotificationProvider,
  NotificationProviderList,
  NotificationTemplate,
  NotificationWorkflow,
  PreviewTemplateInput,
  PreviewWorkflowInput,
  TemplateContent,
  UpdateNotificationSettingsInput,
  UpdateNotificationTypeInput,
  User,
  WorkflowStep,
} from '@caravan/sdk'
import { keepPreviousData, useMutation, useQueries, useQuery, type InfiniteData } from '@tanstack/react-query'
import { queryClient } from '../../../data/queryClient'
import { client } from '../../auth/session'

export const consoleKeys = {
  all: ['notifications-console'] as const,
  types: ['notifications-console', 'types'] as const,
  type: (key: string) => ['notifications-console', 'type', key] as const,
  versions: (key: string, channel?: NotificationChannel, locale?: Locale) =>
    ['notifications-console', 'versions', key, ...(channel && locale ? [channel, locale] : [])] as const,
  preview: (key: string, input: PreviewTemplateInput) => ['notifications-console', 'preview', key, input] as const,
  workflow: (key: string) => ['notifications-console', 'workflow', key] as const,
  workflowPreview: (key: string, input: PreviewWorkflowInput) => ['notifications-console', 'workflow-preview', key, input] as const,
  runs: (filter: Record<string, string>) => ['notifications-console', 'runs', filter] as const,
  allRuns: ['notifications-console', 'runs'] as const,
  workflowVersions: (key: string) => ['notifications-console', 'workflow-versions', key] as const,
  providers: ['notifications-console', 'providers'] as const,
  settings: ['notifications-console', 'settings'] as const,
  deliveries: (filter: Record<string, string>) => ['notifications-console', 'deliveries', filter] as const,
  attempts: (notificationId: string) => ['notifications-console', 'attempts', notificationId] as const,
  outbox: (channel: string) => ['dev', 'outbox', channel] as const,
  /** The same entry the audit log's actor filter reads. */
  user: (id: string) => ['admin', 'users', 'one', id] as const,
}

// ---- types and templates

export function useTypes() {
  return useQuery({ queryKey: consoleKeys.types, queryFn: ({ signal }) => client.admin.notifications.listTypes({ signal }) })
}

export function useCreateType() {
  return useMutation({
    mutationFn: (input: CreateNotificationTypeInput) => client.admin.notifications.createType(input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: consoleKeys.types }),
  })
}

export function useTypeDetail(key: string) {
  return useQuery({ queryKey: consoleKeys.type(key), queryFn: ({ signal }) => client.admin.notifications.getType(key, { signal }) })
}

export function useUpdateType(key: string) {
  return useMutation({
    mutationFn: (patch: UpdateNotificationTypeInput) => client.admin.notifications.updateType(key, patch),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: consoleKeys.type(key) })
      void queryClient.invalidateQueries({ queryKey: consoleKeys.types })
    },
  })
}

export function useDeleteType(key: string) {
  return useMutation({
    mutationFn: () => client.admin.notifications.deleteType(key),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: consoleKeys.type(key) })
      void queryClient.invalidateQueries({ queryKey: consoleKeys.types })
    },
  })
}

export function useSaveTemplate(key: string) {
  return useMutation({
    mutationFn: ({ channel, locale, content }: { channel: NotificationChannel; locale: Locale; content: TemplateContent }) =>
      client.admin.notifications.saveTemplate(key, channel, locale, content),
    onSuccess: (template: NotificationTemplate) =>
      void queryClient.invalidateQueries({ queryKey: consoleKeys.versions(key, template.channel, template.locale) }),
  })
}

/**
 * The server's rendering of a draft; `input` null renders nothing. An error is the answer for
 * that draft (a syntax error is a 422 naming the field): it is not retried.
 */
export function useTemplatePreview(key: string, input: PreviewTemplateInput | null) {
  return useQuery({
    queryKey: consoleKeys.preview(key, input ?? { channel: 'in_app', locale: 'en' }),
    queryFn: ({ signal }) => client.admin.notifications.preview(key, input!, { signal }),
    enabled: input !== null,
    retry: false,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  })
}

// ---- workflows

export function useWorkflow(key: string) {
  return useQuery({ queryKey: consoleKeys.workflow(key), queryFn: ({ signal }) => client.admin.notifications.getWorkflow(key, { signal }) })
}

/** Saves the steps as the next version (`[]` removes the workflow); the saved one is the current one at once. */
export function useSaveWorkflow(key: string) {
  return useMutation({
    mutationFn: (steps: WorkflowStep[]) => client.admin.notifications.saveWorkflow(key, steps),
    onSuccess: (saved: NotificationWorkflow) => {
      queryClient.setQueryData(consoleKeys.workflow(key), saved)
      void queryClient.invalidateQueries({ queryKey: consoleKeys.workflowVersions(key) })
    },
  })
}

/** Calls off what a trigger started and has not done yet, by its cancelKey (DELETE /v1/notifications/runs). */
export function useCancelRuns() {
  return useMutation({
    mutationFn: (cancelKey: string) => client.notifications.cancelRuns({ cancelKey }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: consoleKeys.allRuns }),
  })
}

/** What the draft steps would do, step by step; `input` null asks nothing. A refusal (422) is the answer for that draft: not retried. */
export function useWorkflowPreview(key: string, input: PreviewWorkflowInput | null) {
  return useQuery({
    queryKey: consoleKeys.workflowPreview(key, input ?? { locale: 'en' }),
    queryFn: ({ signal }) => client.admin.notifications.previewWorkflow(key, input!, { signal }),
    enabled: input !== null,
    retry: false,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  })
}

// ---- providers

export function useProviders() {
  return useQuery({ queryKey: consoleKeys.providers, queryFn: ({ signal }) => client.admin.notifications.listProviders({ signal }) })
}

/**
 * Every write to the providers runs in one queue, in the order the admin made them: two quick
 * switches sent at once could reach the server the other way round and leave the provider as the
 * first one set it. Each change still shows at once (`onMutate` is not queued).
 */
const PROVIDER_WRITES = { mutationKey: [...consoleKeys.providers, 'write'], scope: { id: 'notification-providers' } }

/** Read again once no other write is waiting: an answer between two writes would undo the second on screen. */
const invalidateProviders = () =>
  queryClient.isMutating({ mutationKey: PROVIDER_WRITES.mutationKey }) <= 1
    ? queryClient.invalidateQueries({ queryKey: consoleKeys.providers })
    : Promise.resolve()

/** Saves a provider's settings (the add and edit forms). */
export function useSaveProvider() {
  return useMutation({
    ...PROVIDER_WRITES,
    mutationFn: ({ id, input }: { id?: string; input: CreateNotificationProviderInput }) => {
      if (!id) return client.admin.notifications.createProvider(input)
      const { priority, enabled, maxPerSecond, config } = input
      return client.admin.notifications.updateProvider(id, { priority, enabled, maxPerSecond, config })
    },
    onSuccess: () => void invalidateProviders(),
  })
}

type ProviderPages = InfiniteData<{ items: NotificationProvider[]; nextCursor: string | null }>

/** Edits every provider in the cache: the page's list and each channel's table. */
function editProviders(edit: (provider: NotificationProvider) => NotificationProvider) {
  queryClient.setQueryData<NotificationProviderList>(consoleKeys.providers, (list) => list && { ...list, items: list.items.map(edit) })
  queryClient.setQueriesData<ProviderPages>(
    { queryKey: [...consoleKeys.providers, 'table'] },
    (data) => data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map(edit) })) },
  )
}

/**
 * On/off and priority: shown at once, put back when the server refuses. Pending reads are
 * cancelled first so an older answer cannot overwrite the change.
 */
export function useChangeProvider() {
  return useMutation({
    ...PROVIDER_WRITES,
    mutationFn: ({ id, patch }: { id: string; patch: { enabled?: boolean; priority?: number } }) =>
      client.admin.notifications.updateProvider(id, patch),
    onMutate: async ({ id, patch }) => {
      await queryClient.cancelQueries({ queryKey: consoleKeys.providers })
      const before = queryClient.getQueriesData({ queryKey: consoleKeys.providers })
      editProviders((p) => (p.id === id ? { ...p, ...patch } : p))
      return { before }
    },
    onError: (_error, _vars, context) => {
      for (const [key, data] of context?.before ?? []) queryClient.setQueryData(key, data)
    },
    onSettled: () => void invalidateProviders(),
  })
}

export function useDeleteProvider() {
  return useMutation({
    ...PROVIDER_WRITES,
    mutationFn: (id: string) => client.admin.notifications.deleteProvider(id),
    onSuccess: () => void invalidateProviders(),
  })
}

/** What POST /v1/admin/notification-providers/:id/test answers. */
export interface CheckResult {
  ok: boolean
  detail: string
}

export function useTestProvider() {
  return useMutation({
    mutationFn: (id: string) => client.request<CheckResult>('POST', `/v1/admin/notification-providers/${encodeURIComponent(id)}/test`),
  })
}

// ---- rules

export function useNotificationSettings() {
  return useQuery({ queryKey: consoleKeys.settings, queryFn: ({ signal }) => client.admin.notifications.settings({ signal }) })
}

export function useUpdateSettings() {
  return useMutation({
    mutationFn: (input: UpdateNotificationSettingsInput) => client.admin.notifications.updateSettings(input),
    onSuccess: (settings) => queryClient.setQueryData(consoleKeys.settings, settings),
  })
}

// ---- deliveries

/** A delivery's attempts live on its notification (GET /v1/notifications/:id): read when its details open. */
export function useNotificationDetail(notificationId: string) {
  return useQuery({
    queryKey: consoleKeys.attempts(notificationId),
    queryFn: ({ signal }) => client.notifications.get(notificationId, { signal }),
  })
}

// ---- people

/**
 * The users behind ids (template authors, recipients), each read once and shared by every row
 * that names them. An id the server no longer knows (an erased user) maps to null.
 */
export function useUsers(ids: readonly string[]): Map<string, User | null | undefined> {
  const unique = [...new Set(ids)]
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: consoleKeys.user(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => client.admin.getUser(id, { signal }),
      retry: false,
      staleTime: 5 * 60_000,
    })),
  })
  return new Map(unique.map((id, i) => [id, results[i].isError ? null : results[i].data]))
}
