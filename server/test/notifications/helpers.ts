import { bearer, type TestCaravan } from '../helpers/caravan'
import { until } from '../helpers/wait'

export async function api(t: TestCaravan, method: string, url: string, token: string, payload?: unknown) {
  const res = await t.caravan.app.inject({
    method: method as any,
    url,
    headers: bearer(token),
    ...(payload !== undefined ? { payload: payload as any } : {}),
  })
  return {
    status: res.statusCode,
    body: res.body
      ? (() => {
          try {
            return res.json()
          } catch {
            return res.body
          }
        })()
      : undefined,
    headers: res.headers,
  }
}

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
