// The gateways an admin can configure: their settings' schema, the fields that are secrets, the
// currencies they take, and how to build each (every adapter checks its settings against the
// schema first, naming a bad field). The test gateway is built in (gateways/test.ts), no settings.
import { createPaypalGateway, paypalConfigSchema, paypalSecretFields, type PaypalConfig } from './gateways/paypal'
import { createStripeGateway, stripeConfigSchema, stripeSecretFields, type StripeConfig } from './gateways/stripe'
import type { GatewayFactory, GatewayName } from './gateways/types'
import { createZarinpalGateway, zarinpalConfigSchema, zarinpalSecretFields, type ZarinpalConfig } from './gateways/zarinpal'

export const gatewayFactories: Partial<Record<GatewayName, GatewayFactory>> = {
  zarinpal: {
    schema: zarinpalConfigSchema,
    secretFields: zarinpalSecretFields,
    currencies: ['IRR'],
    create: (config, context) => createZarinpalGateway(config as ZarinpalConfig, context),
  },
  stripe: {
    schema: stripeConfigSchema,
    secretFields: stripeSecretFields,
    currencies: ['USD', 'EUR'],
    create: (config, context) => createStripeGateway(config as unknown as StripeConfig, context),
  },
  paypal: {
    schema: paypalConfigSchema,
    secretFields: paypalSecretFields,
    currencies: ['USD', 'EUR'],
    create: (config, context) => createPaypalGateway(config as unknown as PaypalConfig, context),
  },
}
