// The fraud module's public face: its service (payments and the wallet call its checks) and its routes.
export {
  createFraudService,
  type FraudService,
  type FraudChecks,
  type PreparedCheck,
  type FraudCheck,
  type FraudDeps,
  type ReviewRejectedHandler,
} from './service'
export { fraudRoutes, fraudSchemas, fraudTags } from './routes'
