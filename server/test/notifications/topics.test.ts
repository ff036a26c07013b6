// Topic visibility: users follow only public topics; a private topic answers them exactly as an
// unknown one (404), is never listed to them, and only the host (API key) or an admin puts users in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminSession, registerUser, startTestCaravan, type TestCaravan } from '../helpers/caravan'
import { api, defineType, settled } from './helpers'

let t: TestCaravan
let admin: string
let apiKey: string
beforeAll(async () => {
  t = await startTestCaravan()
  admin = (await adminSession(t)).accessToken
  apiKey = (await api(t, 'POST', '/v1/api-keys', admin, { name: 'shop', scopes: ['notifications:send'] })).body.key
  await defineType(t, admin, 'topic.news', ['in_app'])
})
afterAll(async () => {
  await t?.close()
})

const subscriptions = async (key: string) =>
  (
    await t.database.query(
      `select s.user_id from notification_topic_subscriptions s join notification_topics t on t.id = s.topic_id where t.key = $1`,
      [key],
    )
  ).rows.map((r: any) => r.user_id)

describe('topic visibility', () => {
  it('topics are private unless created public; the host can change a topic', async () => {
    const created = await api(t, 'POST', '/v1/topics', apiKey, { key: 'order-7', name: 'Order 7' })
    expect(created).toMatchObject({ status: 201, body: { key: 'order-7', visibility: 'private', subscribers: 0 } })
    const news = await api(t, 'POST', '/v1/topics', apiKey, { key: 'news', name: 'News', visibility: 'public' })
    expect(news.body.visibility).toBe('public')
    const renamed = await api(t, 'PATCH', '/v1/topics/news', apiKey, { name: 'Shop news' })
    expect(renamed).toMatchObject({ status: 200, body: { key: 'news', name: 'Shop news', visibility: 'public' } })
    expect((await api(t, 'PATCH', '/v1/topics/no-such', apiKey, { name: 'x' })).status).toBe(404)
    expect((await api(t, 'PATCH', '/v1/topics/news', apiKey, {})).status).toBe(400)
    expect((await api(t, 'PATCH', '/v1/topics/news', apiKey, { visibility: 'secret' })).status).toBe(400)
    const customer = await registerUser(t)
    expect((await api(t, 'PATCH', '/v1/topics/news', customer.accessToken, { visibility: 'private' })).status).toBe(403)
    const list = (await api(t, 'GET', '/v1/topics', admin)).body.items
    expect(list.find((x: any) => x.key === 'order-7')).toMatchObject({ visibility: 'private' })
  })

  it('a customer cannot follow or unfollow a private topic: 404 like an unknown one, nothing stored', async () => {
    await api(t, 'POST', '/v1/topics', apiKey, { key: 'order-8', name: 'Order 8' })
    const customer = await registerUser(t)
    const privateOne = await api(t, 'PUT', '/v1/me/topics/order-8', customer.accessToken)
    const unknown = await api(t, 'PUT', '/v1/me/topics/order-9999', customer.accessToken)
    expect(privateOne.status).toBe(404)
    expect(unknown.status).toBe(404)
    // Identical but for the key itself: nothing tells a private topic from a missing one.
    expect(privateOne.body.detail.replace('order-8', 'KEY')).toBe(unknown.body.detail.replace('order-9999', 'KEY'))
    expect(Object.keys(privateOne.body).sort()).toEqual(Object.keys(unknown.body).sort())
    expect(await subscriptions('order-8')).toEqual([])
    expect((await api(t, 'DELETE', '/v1/me/topics/order-8', customer.accessToken)).status).toBe(404)
    const available = (await api(t, 'GET', '/v1/me/topics/available', customer.accessToken)).body.items
    expect(available.map((x: any) => x.key)).not.toContain('order-8')
    expect((await api(t, 'GET', '/v1/me/topics', customer.accessToken)).body.items).toEqual([])
  })

  it('a customer follows a public topic, sees it listed, and unfollows it', async () => {
    await api(t, 'POST', '/v1/topics', apiKey, { key: 'deals', name: 'Deals', visibility: 'public' })
    const customer = await registerUser(t)
    const before = (await api(t, 'GET', '/v1/me/topics/available', customer.accessToken)).body.items
    expect(before.find((x: any) => x.key === 'deals')).toEqual({ key: 'deals', name: 'Deals', following: false })
    expect((await api(t, 'PUT', '/v1/me/topics/deals', customer.accessToken)).status).toBe(204)
    expect((await api(t, 'PUT', '/v1/me/topics/deals', customer.accessToken)).status).toBe(204) // again: no change
    expect(await subscriptions('deals')).toEqual([customer.user.id])
    const after = (await api(t, 'GET', '/v1/me/topics/available', customer.accessToken)).body.items
    expect(after.find((x: any) => x.key === 'deals').following).toBe(true)
    expect((await api(t, 'GET', '/v1/me/topics', customer.accessToken)).body.items).toEqual([
      { key: 'deals', name: 'Deals', visibility: 'public' },
    ])
    expect((await api(t, 'DELETE', '/v1/me/topics/deals', customer.accessToken)).status).toBe(204)
    expect(await subscriptions('deals')).toEqual([])
  })

  it("the host's API key still subscribes users to a private topic, and they receive what is sent to it", async () => {
    await api(t, 'POST', '/v1/topics', apiKey, { key: 'order-10', name: 'Order 10' })
    const customer = await registerUser(t)
    expect((await api(t, 'POST', '/v1/topics/order-10/subscribers', apiKey, { users: [customer.user.id] })).status).toBe(204)
    expect(
      (await api(t, 'POST', '/v1/topics/order-10/subscribers', apiKey, { users: ['00000000-0000-7000-8000-000000000000'] })).status,
    ).toBe(422)
    // Listed as mine (the host put me there), marked private: only the host takes me out.
    expect((await api(t, 'GET', '/v1/me/topics', customer.accessToken)).body.items).toEqual([
      { key: 'order-10', name: 'Order 10', visibility: 'private' },
    ])
    expect((await api(t, 'DELETE', '/v1/me/topics/order-10', customer.accessToken)).status).toBe(404)
    const sent = await api(t, 'POST', '/v1/notifications', apiKey, {
      type: 'topic.news',
      to: { topic: 'order-10' },
      data: { orderId: '10' },
    })
    const detail = await settled(t, apiKey, sent.body.id)
    expect(detail.deliveries.map((d: any) => [d.userId, d.status])).toEqual([[customer.user.id, 'delivered']])
    // Making it public later keeps the subscription, and then the user may leave.
    await api(t, 'PATCH', '/v1/topics/order-10', apiKey, { visibility: 'public' })
    expect((await api(t, 'DELETE', '/v1/me/topics/order-10', customer.accessToken)).status).toBe(204)
  })

  it('pages the available topics', async () => {
    for (const key of ['page-a', 'page-b', 'page-c'])
      await api(t, 'POST', '/v1/topics', apiKey, { key, name: key.toUpperCase(), visibility: 'public' })
    const customer = await registerUser(t)
    const first = (await api(t, 'GET', '/v1/me/topics/available?limit=2', customer.accessToken)).body
    expect(first.items).toHaveLength(2)
    const second = (await api(t, 'GET', `/v1/me/topics/available?limit=2&cursor=${first.nextCursor}`, customer.accessToken)).body
    expect(second.items[0].key).not.toBe(first.items[1].key)
    expect([...first.items, ...second.items].map((x: any) => x.key)).toEqual(expect.arrayContaining(['page-c', 'page-b', 'page-a']))
  })
})
