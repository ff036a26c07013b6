// The gateways an admin can configure, each with the schema of its settings (checked before
// anything is stored), the fields that are secrets, and how to build it. The test gateway is
// built in (gateways/test.ts) and needs no settings.
import type { GatewayFactory, GatewayName } from './gateways/types'

export const gatewayFactories: Partial<Record<GatewayName, GatewayFactory>> = {}
