// The app's one TanStack Query client: every page reads server data through it (cache,
// de-duplication, retries, abort on unmount), and live socket events write into it.
import { CaravanError } from '@caravan/sdk'
import { QueryClient } from '@tanstack/react-query'

/** Retry what may pass on a second try (network, 5xx, 429), never a refusal (4xx). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false
  if (!(error instanceof CaravanError)) return true
  return error.status === 0 || error.status === 429 || error.status >= 500
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        // Fresh for a short while: moving between pages does not refetch what was just read.
        staleTime: 15_000,
        refetchOnWindowFocus: true,
      },
      // A write is never repeated behind the user's back.
      mutations: { retry: false },
    },
  })
}

export const queryClient = createQueryClient()
