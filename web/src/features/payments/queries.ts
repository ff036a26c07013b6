// The payments pages' server data in the query cache: one payment (polled while its outcome is not
// known yet), the lists (read by DataTable under these keys), the refund queue, the gateways and
// the module's settings; and the writes, each invalidating what it changes. The customer's socket
// pushes payment.succeeded / failed / canceled / refunded; those land in the same entries.
import type {
  ConfigurePaymentGatewayInput,
  CreatePaymentInput,
  Payment,
  PaymentDetail,
  PaymentGatewayName,
  PaymentQuery,
  RefundInput,
  RefundQuery,
  UpdatePaymentSettingsInput,
} from '@caravan/sdk'
import { useMutation, useQuery } from '@tanstack/react-query'
import { queryClient } from '../../data/queryClient'
import { useRealtimeEvent } from '../auth/live'
import { client } from '../auth/session'
import type { IrrDisplay } from './money'

export const paymentKeys = {
  all: ['payments'] as const,
  one: (id: string) => ['payments', 'one', id] as const,
  list: (filter: PaymentQuery) => ['payments', 'list', filter] as const,
  refunds: (filter: RefundQuery) => ['payments', 'refunds', filter] as const,
  gateways: ['payments', 'gateways'] as const,
  settings: ['payments', 'settings'] as const,
  options: ['payments', 'options'] as const,
}

/** While the money is on its way (the payer came back, the gateway has not answered) or a refund is. */
export function isUnsettled(detail: PaymentDetail | undefined): boolean {
  if (!detail) return false
  return detail.payment.status === 'processing' || detail.refunds.some((r) => r.status === 'pending')
}

/** Reads while unsettled: every 2 s, for at most 10 minutes (then the socket's events and a reload tell). */
const POLL_MS = 2000
const MAX_POLLS = (10 * 60_000) / POLL_MS

/** One payment with its attempts and refunds, read again while unsettled. */
export function usePayment(id: string) {
  const query = useQuery({
    queryKey: paymentKeys.one(id),
    queryFn: ({ signal }) => client.payments.get(id, { signal }),
    refetchInterval: (q) => (isUnsettled(q.state.data) && q.state.dataUpdateCount < MAX_POLLS ? POLL_MS : false),
  })
  // What the socket says is news: the detail (attempts, refunds) is read again.
  const refresh = ({ payment }: { payment: Payment }) => {
    if (payment.id === id) void queryClient.invalidateQueries({ queryKey: paymentKeys.one(id) })
  }
  useRealtimeEvent('payment.succeeded', refresh)
  useRealtimeEvent('payment.failed', refresh)
  useRealtimeEvent('payment.canceled', refresh)
  useRealtimeEvent('payment.refunded', refresh)
  return query
}

/** Creates the payment; the key makes a retry of the same form return the same payment. */
export function useCreatePayment() {
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: CreatePaymentInput; idempotencyKey: string }) =>
      client.payments.create(input, { idempotencyKey }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['payments', 'list'] }),
  })
}

/** Pays the open payment at another gateway (the wallet); the answer's nextAction is where the payer goes. */
export function useSwitchGateway() {
  return useMutation({
    mutationFn: ({ id, gateway }: { id: string; gateway: PaymentGatewayName }) => client.payments.switchGateway(id, gateway),
    onSettled: (_data, _error, { id }) => void invalidatePayment(id),
  })
}

export function useCancelPayment() {
  return useMutation({
    mutationFn: (id: string) => client.payments.cancel(id),
    onSettled: (_data, _error, id) => void invalidatePayment(id),
  })
}

export function useRefundPayment(paymentId: string) {
  return useMutation({
    mutationFn: ({ input, idempotencyKey }: { input: RefundInput; idempotencyKey: string }) =>
      client.payments.refund(paymentId, input, { idempotencyKey }),
    onSuccess: () => void invalidatePayment(paymentId),
  })
}

export function useDecideRefund() {
  return useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean; paymentId: string }) =>
      approve ? client.admin.payments.approveRefund(id) : client.admin.payments.rejectRefund(id),
    onSettled: (_data, _error, { paymentId }) => void invalidatePayment(paymentId),
  })
}

/** The payment, every list that may show it, and the refund queue. */
function invalidatePayment(id: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: paymentKeys.one(id) }),
    queryClient.invalidateQueries({ queryKey: ['payments', 'list'] }),
    queryClient.invalidateQueries({ queryKey: ['payments', 'refunds'] }),
  ])
}

// ---- gateways and settings (admins)

export function useGateways(enabled = true) {
  return useQuery({ queryKey: paymentKeys.gateways, queryFn: ({ signal }) => client.admin.payments.gateways({ signal }), enabled })
}

export function useConfigureGateway() {
  return useMutation({
    mutationFn: ({ name, input }: { name: PaymentGatewayName; input: ConfigurePaymentGatewayInput }) =>
      client.admin.payments.configureGateway(name, input),
    // The test gateway's switch depends on the others: the whole list is read again.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: paymentKeys.gateways }),
  })
}

export function useRemoveGateway() {
  return useMutation({
    mutationFn: (name: PaymentGatewayName) => client.admin.payments.removeGateway(name),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: paymentKeys.gateways }),
  })
}

export function usePaymentSettings() {
  return useQuery({ queryKey: paymentKeys.settings, queryFn: ({ signal }) => client.admin.payments.settings({ signal }) })
}

export function useUpdatePaymentSettings() {
  return useMutation({
    mutationFn: (patch: UpdatePaymentSettingsInput) => client.admin.payments.updateSettings(patch),
    onSuccess: (settings) => queryClient.setQueryData(paymentKeys.settings, settings),
  })
}

/**
 * How IRR reads: the notification settings' `formats.irr` (the same entry as the notification
 * rules page). Only admins may read it; everyone else sees the server's default, toman.
 */
/** What a payer can pay with now (the enabled gateways and their currencies), and how IRR is shown. */
export function usePaymentOptions() {
  return useQuery({
    queryKey: paymentKeys.options,
    queryFn: ({ signal }) => client.payments.options({ signal }),
    staleTime: 60_000,
  })
}

/** How IRR is shown to people (toman or rial), as the server's setting says; toman until it has answered. */
export function useIrrDisplay(): IrrDisplay {
  return usePaymentOptions().data?.irrDisplay ?? 'toman'
}
