// The wallet module's public face: its service and its routes.
export { createWalletService, type WalletService, type WalletDeps } from './service'
export { walletRoutes, walletSchemas, walletTags } from './routes'
