// The Stripe fake of Caravan's own tests (server/test/fakes/stripe.ts), in a process of its own so
// the API calls Caravan makes to "Stripe" during the webhook workload (creating Checkout Sessions,
// retrieving them to confirm a payment) are not served by the load generator's event loop.
// run.ts talks to it over IPC: it reports { url } when ready; { pay: sessionIds } has the payer pay
// each session and answers { events } with each checkout.session.completed event signed as Stripe
// sends it (body and Stripe-Signature header).
import { startFakeStripe } from '../../server/test/fakes/stripe'

const secretKey = process.env.FAKE_STRIPE_SECRET_KEY
const webhookSecret = process.env.FAKE_STRIPE_WEBHOOK_SECRET
if (!secretKey || !webhookSecret) throw new Error('FAKE_STRIPE_SECRET_KEY and FAKE_STRIPE_WEBHOOK_SECRET must be set')

const stripe = await startFakeStripe({ secretKey, webhookSecret })

export type FakeStripeRequest = { pay: string[] }
export type FakeStripeAnswer = { url: string } | { events: { id: string; body: string; header: string }[] } | { error: string }

process.on('message', (message: FakeStripeRequest) => {
  try {
    const events = message.pay.map((sessionId) => {
      stripe.pay(sessionId)
      const event = stripe.lastEvent('checkout.session.completed')!
      return { id: event.id, ...stripe.signedEvent(event) }
    })
    // The fake keeps every request and event; the bench needs none of them back.
    stripe.requests.length = 0
    stripe.events.length = 0
    process.send!({ events } satisfies FakeStripeAnswer)
  } catch (e) {
    process.send!({ error: (e as Error).message } satisfies FakeStripeAnswer)
  }
})

process.send!({ url: stripe.url } satisfies FakeStripeAnswer)

const stop = async () => {
  await stripe.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
