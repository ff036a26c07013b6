// The fraud console's server data: the review queue and assessments (read by DataTable under
// fraudKeys.reviews), the rules document and the blocklist, and the writes on them. Every write
// sends an Idempotency-Key (one per intended request: a retry of the same body reuses it).
import type { FraudBlocklistInput, FraudReviewQuery, FraudRules, RejectFraudReviewInput } from '@caravan/sdk'
import { useMutation, useQuery } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { client } from '../auth/session'
import type { BlocklistKind } from './labels'

export const fraudKeys = {
  all: ['fraud'] as const,
  reviews: (filter: Pick<FraudReviewQuery, 'status'>) => ['fraud', 'reviews', filter] as const,
  assessment: (id: string) => ['fraud', 'assessment', id] as const,
  rules: ['fraud', 'rules'] as const,
  blocklist: (filter: { kind?: BlocklistKind }) => ['fraud', 'blocklist', filter] as const,
}

/** One assessment, read fresh (the queue's row may be older than another admin's decision). */
export function useAssessment(id: string) {
  return useQuery({ queryKey: fraudKeys.assessment(id), queryFn: ({ signal }) => client.admin.fraud.assessment(id, { signal }) })
}

/**
 * The rules as stored now. Never served from an older cache entry (gcTime 0) and read again on
 * every visit: the form is filled from the version it will send back.
 */
export function useFraudRules() {
  return useQuery({ queryKey: fraudKeys.rules, queryFn: ({ signal }) => client.admin.fraud.rules({ signal }), gcTime: 0, staleTime: 0 })
}

export function useUpdateFraudRules() {
  return useMutation({
    mutationFn: ({ version, rules, idempotencyKey }: { version: number; rules: FraudRules; idempotencyKey: string }) =>
      client.admin.fraud.updateRules({ version, rules }, { idempotencyKey }),
  })
}

/** Approve or reject a review. Also after a 409 (decided by someone else) the lists are read again. */
export function useDecideReview() {
  return useMutation({
    mutationFn: ({
      id,
      approve,
      input,
      idempotencyKey,
    }: {
      id: string
      approve: boolean
      input: RejectFraudReviewInput
      idempotencyKey: string
    }) =>
      approve
        ? client.admin.fraud.approveReview(id, input.note ? { note: input.note } : {}, { idempotencyKey })
        : client.admin.fraud.rejectReview(id, input, { idempotencyKey }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: fraudKeys.all }),
  })
}

export function useAddToBlocklist() {
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: FraudBlocklistInput; idempotencyKey: string }) =>
      client.admin.fraud.addToBlocklist(input, { idempotencyKey }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['fraud', 'blocklist'] }),
  })
}

export function useRemoveFromBlocklist() {
  return useMutation({
    mutationFn: ({ id, idempotencyKey }: { id: string; idempotencyKey: string }) =>
      client.admin.fraud.removeFromBlocklist(id, { idempotencyKey }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['fraud', 'blocklist'] }),
  })
}
