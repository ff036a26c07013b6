// The gateways an admin can configure: the fields that are secrets, and how to build each from
// its settings (every adapter checks them against its schema first, naming a bad field). The test
// gateway is built in (gateways/test.ts) and has no settings.
import { createPaypalGateway, paypalSecretFields, type PaypalConfig } from './gateways/paypal'
import { createStripeGateway, stripeSecretFields, type StripeConfig } from './gateways/stripe'
import { createZarinpalGateway, zarinpalSecretFields, type ZarinpalConfig } from './gateways/zarinpal'
import type { GatewayFactory, GatewayName } from './gateways/types'

export const gatewayFactories: Partial<Record<GatewayName, GatewayFactory>> = {
  paypal: {
    secretFields: paypalSecretFields,
    create: (config, context) => createPaypalGateway(config as unknown as PaypalConfig, context),
  },
  stripe: {
    secretFields: stripeSecretFields,
    create: (config, context) => createStripeGateway(config as unknown as StripeConfig, context),
  },
  zarinpal: {
    secretFields: zarinpalSecretFields,
    create: (config, context) => createZarinpalGateway(config as ZarinpalConfig, context),
  },
}
