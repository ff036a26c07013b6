// The embedded default for email, SMS and push: "sends" by storing the message, so a first run
// works with no account anywhere. Idempotent by delivery id, so a retry never stores twice.
import type { Db } from '../../../core/db/client'
import { createGroupCommit } from '../../../core/db/group-commit'
import { inArray } from 'drizzle-orm'
import { newId } from '../../../core/db/ids'
import { devOutbox } from '../tables'
import type { CheckResult, EmailProvider, PushProvider, SmsProvider } from './types'

export function createDevOutbox(db: Db) {
  const check = async (): Promise<CheckResult> => ({
    ok: true,
    detail: "The dev outbox keeps messages in Caravan's database and shows them on the Dev outbox page; nothing leaves the server",
  })

  // Messages stored together go in one statement; a repeat of a delivery keeps the first message,
  // whose id is read back (only then). Ids are time-ordered: the outbox lists newest first by id.
  const inserts = createGroupCommit<typeof devOutbox.$inferInsert, string>({
    write: async (rows) => {
      const inserted = await db
        .insert(devOutbox)
        .values(rows)
        .onConflictDoNothing()
        .returning({ id: devOutbox.id, deliveryId: devOutbox.deliveryId })
      const ids = new Map(inserted.map((r) => [r.deliveryId, r.id]))
      const repeats = rows.filter((r) => !ids.has(r.deliveryId)).map((r) => r.deliveryId)
      if (repeats.length)
        for (const r of await db
          .select({ id: devOutbox.id, deliveryId: devOutbox.deliveryId })
          .from(devOutbox)
          .where(inArray(devOutbox.deliveryId, repeats)))
          ids.set(r.deliveryId, r.id)
      return rows.map((r) => ({ ok: true as const, value: ids.get(r.deliveryId) ?? r.id! }))
    },
  })

  async function store(channel: string, deliveryId: string, recipient: string, payload: Record<string, unknown>) {
    const id = await inserts.submit({ id: newId(), deliveryId, channel, recipient, payload })
    return { providerMessageId: id, status: 'delivered' as const }
  }

  const email: EmailProvider = {
    id: 'dev-outbox',
    channel: 'email',
    idempotent: true,
    check,
    send: (m) =>
      store('email', m.deliveryId, m.to, {
        from: m.from ?? 'Caravan <no-reply@caravan.local>',
        subject: m.subject,
        html: m.html,
        text: m.text,
        locale: m.locale,
        ...(m.thread ? { thread: m.thread } : {}),
        ...(m.replyTo ? { replyTo: m.replyTo } : {}),
      }),
  }
  const sms: SmsProvider = {
    id: 'dev-outbox',
    channel: 'sms',
    idempotent: true,
    check,
    send: (m) => store('sms', m.deliveryId, m.to, { text: m.text }),
  }
  const push: PushProvider = {
    id: 'dev-outbox',
    channel: 'push',
    idempotent: true,
    check,
    kinds: ['fcm', 'apns', 'webpush'],
    send: (m) =>
      store('push', m.deliveryId, `${m.target.kind}:${m.target.token.slice(0, 24)}`, { title: m.title, body: m.body, data: m.data ?? {} }),
  }

  return { email, sms, push }
}
