// A conversation's details, from the heading's Details button. A group: its name (renamed by its
// owner and admins), its members and their roles (the owner makes and unmakes admins; owner and
// admins add and remove people), and leaving it. A direct conversation: the other person, the IDs
// to name them by, and blocking them. Changes come back from the server and go into the cache; the
// other members see them through conversation:updated.
import type { Conversation, ConversationMember } from '@caravan/sdk'
import { useState } from 'react'
import { queryClient } from '../../data/queryClient'
import { useI18n, type Translate } from '../../i18n'
import { Button, Dialog, Form, FormTextAreaField, FormTextField, ProblemAlert, SubmitButton, useServerForm } from '../../ui'
import { client } from '../auth/session'
import { parseUserRefs } from './NewConversationDialog'
import { conversationTitle, memberLabel, otherMember } from './names'
import { chatKeys, keepConversation, useBlocks } from './queries'

export function ConversationDetails({
  conversation,
  me,
  onClose,
  onLeave,
}: {
  conversation: Conversation
  me: string
  onClose: () => void
  /** Leaving asks first; the thread asks, once this dialog is closed. */
  onLeave: () => void
}) {
  const { t } = useI18n()
  const title = conversationTitle(conversation, me, t)
  return (
    <Dialog
      title={t('chat.detailsOf', { name: title })}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      isDismissable
      showClose
      className="chat-details"
    >
      {conversation.kind === 'direct' ? (
        <DirectDetails conversation={conversation} me={me} />
      ) : (
        <GroupDetails conversation={conversation} me={me} onLeave={onLeave} />
      )}
    </Dialog>
  )
}

function roleLabel(role: ConversationMember['role'], t: Translate) {
  return role === 'owner' ? t('chat.details.role.owner') : role === 'admin' ? t('chat.details.role.admin') : t('chat.details.role.member')
}

function GroupDetails({ conversation, me, onLeave }: { conversation: Conversation; me: string; onLeave: () => void }) {
  const { t } = useI18n()
  const manager = conversation.kind === 'group' && conversation.myRole !== 'member'
  const owner = conversation.myRole === 'owner'
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState<string | null>(null)

  async function act(key: string, run: () => Promise<Conversation | void>) {
    setBusy(key)
    setError(null)
    try {
      const changed = await run()
      if (changed) keepConversation(changed)
      else void queryClient.invalidateQueries({ queryKey: chatKeys.conversation(conversation.id) })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(null)
    }
  }

  const rename = useServerForm<{ name: string }>({
    defaultValues: { name: conversation.name ?? '' },
    onSubmit: async ({ name }) => {
      const changed = await client.chat.rename(conversation.id, name.trim())
      keepConversation(changed)
      rename.reset({ name: changed.name ?? '' })
    },
  })
  const add = useServerForm<{ memberIds: string }>({
    defaultValues: { memberIds: '' },
    onSubmit: async ({ memberIds }) => {
      const refs = parseUserRefs(memberIds)
      if (!refs.length) {
        add.setError('memberIds', { type: 'client', message: t('chat.new.groupSome') })
        add.setFocus('memberIds')
        return
      }
      keepConversation(await client.chat.addMembers(conversation.id, refs))
      add.reset({ memberIds: '' })
    },
  })

  return (
    <div className="chat-details-body">
      {manager && (
        <Form
          form={rename}
          actions={
            <div className="dialog-actions">
              <SubmitButton>{t('chat.details.saveName')}</SubmitButton>
            </div>
          }
        >
          <FormTextField
            control={rename.control}
            name="name"
            label={t('chat.new.name')}
            dir="auto"
            isRequired
            rules={{ maxLength: { value: 120, message: t('chat.new.nameTooLong', { max: 120 }) } }}
          />
        </Form>
      )}
      <section aria-labelledby="chat-details-members">
        <h3 id="chat-details-members">{t('chat.memberCount', { count: conversation.members.length })}</h3>
        <ul className="chat-members">
          {conversation.members.map((m) => {
            const name = memberLabel(m, t)
            const mine = m.userId === me
            return (
              <li key={m.userId}>
                <span className="chat-member-name">
                  <bdi>{mine ? t('chat.details.youSuffix', { name }) : name}</bdi>
                  <span className="muted small">{roleLabel(m.role, t)}</span>
                </span>
                {!mine && m.role !== 'owner' && (
                  <span className="chat-member-actions">
                    {owner && (
                      <Button
                        variant="secondary"
                        size="small"
                        isPending={busy === `role:${m.userId}`}
                        aria-label={m.role === 'admin' ? t('chat.details.makeMember', { name }) : t('chat.details.makeAdmin', { name })}
                        onPress={() =>
                          void act(`role:${m.userId}`, () =>
                            client.chat.setRole(conversation.id, m.userId, m.role === 'admin' ? 'member' : 'admin'),
                          )
                        }
                      >
                        {m.role === 'admin' ? t('chat.details.makeMemberShort') : t('chat.details.makeAdminShort')}
                      </Button>
                    )}
                    {manager && (
                      <Button
                        variant="secondary"
                        size="small"
                        isPending={busy === `remove:${m.userId}`}
                        aria-label={t('chat.details.remove', { name })}
                        onPress={() => void act(`remove:${m.userId}`, () => client.chat.removeMembers(conversation.id, [m.userId]))}
                      >
                        {t('chat.details.removeShort')}
                      </Button>
                    )}
                  </span>
                )}
              </li>
            )
          })}
        </ul>
        <ProblemAlert error={error} />
      </section>
      {manager && (
        <Form
          form={add}
          actions={
            <div className="dialog-actions">
              <SubmitButton>{t('chat.details.addButton')}</SubmitButton>
            </div>
          }
        >
          <FormTextAreaField
            control={add.control}
            name="memberIds"
            label={t('chat.details.add')}
            description={t('chat.new.peopleHint')}
            dir="ltr"
            rows={2}
          />
        </Form>
      )}
      {conversation.kind === 'group' && (
        <div className="dialog-actions">
          <Button variant="danger" onPress={onLeave}>
            {t('chat.details.leave')}
          </Button>
        </div>
      )}
    </div>
  )
}

function DirectDetails({ conversation, me }: { conversation: Conversation; me: string }) {
  const { t } = useI18n()
  const other = otherMember(conversation, me)
  const blocks = useBlocks()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  if (!other) return null
  const name = memberLabel(other, t)
  const blocked = blocks.data?.some((b) => b.userId === other.userId) ?? false

  async function toggle() {
    setBusy(true)
    setError(null)
    try {
      await (blocked ? client.chat.unblock(other!.userId) : client.chat.block(other!.userId))
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: chatKeys.blocks }),
        queryClient.invalidateQueries({ queryKey: chatKeys.conversation(conversation.id) }),
      ])
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="chat-details-body">
      <dl className="chat-ids">
        <dt>{t('chat.details.userId')}</dt>
        <dd dir="ltr">
          <code>{other.userId}</code>
        </dd>
        {other.externalId && (
          <>
            <dt>{t('chat.details.externalId')}</dt>
            <dd dir="ltr">
              <code>{other.externalId}</code>
            </dd>
          </>
        )}
      </dl>
      <p className="muted" role="status">
        {blocked ? t('chat.details.youBlocked', { name }) : t('chat.details.blockHint')}
      </p>
      <ProblemAlert error={error ?? blocks.error} />
      <div className="dialog-actions">
        <Button variant={blocked ? 'secondary' : 'danger'} isPending={busy} isDisabled={!blocks.data} onPress={() => void toggle()}>
          {blocked ? t('chat.details.unblock', { name }) : t('chat.details.block', { name })}
        </Button>
      </div>
    </div>
  )
}
