// API keys and identity secrets in the query cache. A revocation shows at once (the key marked
// revoked) and is taken back if the server refuses; the other writes wait for the server, whose
// answer holds what is shown once (a new key, a new secret).
import type { ApiKey, CreateApiKeyInput } from '@caravan/sdk'
import { useMutation, useQuery, type InfiniteData } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import type { PageOf } from '../../ui/table'
import { client } from '../auth/session'

export const adminKeys = {
  apiKeys: ['admin', 'api-keys'] as const,
  identitySecrets: ['admin', 'identity-secrets'] as const,
}

/** The API keys as DataTable pages: the API lists them all at once, so one page. */
export async function fetchApiKeys({ signal }: { signal: AbortSignal }): Promise<PageOf<ApiKey>> {
  return { items: await client.apiKeys.list({ signal }), nextCursor: null }
}

type ApiKeyPages = InfiniteData<PageOf<ApiKey>>

const editApiKey = (id: string, edit: (key: ApiKey) => ApiKey) =>
  queryClient.setQueriesData<ApiKeyPages>(
    { queryKey: adminKeys.apiKeys },
    (data) => data && { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((k) => (k.id === id ? edit(k) : k)) })) },
  )

export function useCreateApiKey() {
  return useMutation({
    mutationFn: (input: CreateApiKeyInput) => client.apiKeys.create(input),
    // Awaited: the new row is listed by the time the key is shown.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys }),
  })
}

export function useRevokeApiKey() {
  return useMutation({
    mutationFn: (key: ApiKey) => client.apiKeys.revoke(key.id),
    onMutate: async (key) => {
      await queryClient.cancelQueries({ queryKey: adminKeys.apiKeys })
      editApiKey(key.id, (k) => ({ ...k, revokedAt: new Date().toISOString() }))
    },
    onError: (_error, key) => editApiKey(key.id, (k) => ({ ...k, revokedAt: key.revokedAt })),
    // The server's time of revocation replaces the browser's.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys }),
  })
}

export function useIdentitySecrets() {
  return useQuery({ queryKey: adminKeys.identitySecrets, queryFn: ({ signal }) => client.identitySecrets.list({ signal }) })
}

export function useRotateIdentitySecret() {
  return useMutation({
    mutationFn: (input: { graceSeconds?: number }) => client.identitySecrets.rotate(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.identitySecrets }),
  })
}
