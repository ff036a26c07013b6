// The payments module's public face: its service (the wallet credits top-ups from its events) and its routes.
export { createPaymentsService, type PaymentsService, type PaymentsDeps } from './service'
export { paymentsRoutes, paymentSchemas, paymentTags } from './routes'
export { gatewayFactories } from './gateway-factories'
export type { RefundGuard } from './refunds'
export type { PaymentView, RefundView } from './schemas'
export type { Gateway } from './gateways/types'
