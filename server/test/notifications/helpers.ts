import { randomUUID } from 'node:crypto'
import { api } from '../helpers/api'
import type { TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'

export { api }

/** A type with templates for the given channels in both locales. */
export async function defineType(t: TestCaravan, admin: string, key: string, channels: string[], extra: Record<string, unknown> = {}) {
  const created = await api(t, 'POST', '/v1/admin/notification-types', admin, {
    key,
    name: key,
    category: 'transactional',
    channels,
    ...extra,
  })
  if (created.status !== 201) throw new Error(`type: ${created.status} ${JSON.stringify(created.body)}`)
  const content: Record<string, Record<string, string>> = {
    in_app: { title: '{{ title | default: "Hello" }}', body: 'Order {{ orderId }}' },
    email: { subject: 'Order {{ orderId }}', html: '<p>Order {{ orderId }}</p>', text: 'Order {{ orderId }}' },
    sms: { text: 'Order {{ orderId }}' },
    push: { title: 'Order', body: 'Order {{ orderId }}' },
  }
  for (const channel of channels) {
    for (const locale of ['en', 'fa']) {
      const saved = await api(t, 'PUT', `/v1/admin/notification-types/${key}/templates/${channel}/${locale}`, admin, {
        content:
          locale === 'fa' ? { ...content[channel], ...(channel === 'sms' ? { text: 'سفارش {{ orderId }}' } : {}) } : content[channel],
      })
      if (saved.status !== 201) throw new Error(`template: ${saved.status} ${JSON.stringify(saved.body)}`)
    }
  }
}

/** Waits until no delivery of the notification is pending, queued or sending; returns the detail. */
export async function settled(t: TestCaravan, token: string, id: string, ms = 30_000) {
  return until(
    async () => {
      const res = await api(t, 'GET', `/v1/notifications/${id}`, token)
      const body = res.body as any
      return body?.status === 'fanned_out' && body.deliveries.every((d: any) => !['pending', 'queued', 'sending'].includes(d.status))
        ? body
        : undefined
    },
    ms,
    `notification ${id} settled`,
  )
}

/** Users made directly in the database (no sign-up events, so no welcome or verification messages). */
export async function insertUsers(t: TestCaravan, count: number, fields: { locale?: 'fa' | 'en'; phone?: string } = {}): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID())
  await t.database.query(
    `insert into users (id, email, password_hash, locale, timezone, phone)
     select id, 'u-' || id || '@example.com', 'x', $2, 'UTC', $3 from unnest($1::uuid[]) as id`,
    [ids, fields.locale ?? 'en', fields.phone ?? null],
  )
  return ids
}

/** A push device made directly in the database (Web Push subscriptions on loopback fakes are not https). */
export async function insertDevice(
  t: TestCaravan,
  userId: string,
  device: { kind: 'fcm'; token: string } | { kind: 'webpush'; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } },
): Promise<string> {
  const id = randomUUID()
  const token = device.kind === 'webpush' ? device.subscription.endpoint : device.token
  await t.database.query(`insert into devices (id, user_id, kind, token, subscription) values ($1, $2, $3, $4, $5)`, [
    id,
    userId,
    device.kind,
    token,
    device.kind === 'webpush' ? JSON.stringify(device.subscription) : null,
  ])
  return id
}

/** The state of a configured provider's circuit breaker on the node, as the admin list shows it. */
export async function breakerState(t: TestCaravan, admin: string, providerId: string): Promise<string> {
  return (await api(t, 'GET', '/v1/admin/notification-providers', admin)).body.items.find((p: any) => p.id === providerId).state
}

/** SQL: a delivery job (a fan-out's bundle, or a job of one delivery) holds the delivery whose id is $1. */
export const HOLDS_DELIVERY = `name = 'notify-deliver' and (data->>'deliveryId' = $1 or data->'deliveryIds' ? $1)`

/** How many times the delivery's job was enqueued (each run of a waiting delivery enqueues the next). */
export async function deliveryJobRuns(t: TestCaravan, deliveryId: string): Promise<number> {
  const { rows } = await t.database.query(`select count(*)::int as n from pgboss.job where ${HOLDS_DELIVERY}`, [deliveryId])
  return rows[0].n
}
