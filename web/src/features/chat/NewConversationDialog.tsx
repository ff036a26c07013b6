// Starting a conversation: with one person, or a group (a name and members). Customers cannot
// search the users, so people are named by their user ID or by the external ID the host product
// gives them, or picked from the people of conversations already here. A direct conversation that
// exists already is opened, not made twice (the server answers with it).
import type { Conversation, UserRef } from '@caravan/sdk'
import { useState } from 'react'
import { useI18n } from '../../i18n'
import { navigate } from '../../navigation'
import { Checkbox, Dialog, Form, FormSelectField, FormTextAreaField, FormTextField, SubmitButton, useServerForm, Button } from '../../ui'
import { memberLabel } from './names'
import { useCreateConversation } from './queries'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** "id, crm-42 ،crm-7" → user ids and external ids, each once. */
export function parseUserRefs(text: string): UserRef[] {
  const words = [...new Set(text.split(/[\s,،;]+/).filter(Boolean))]
  return words.map((w) => (UUID.test(w) ? w.toLowerCase() : { externalId: w }))
}

interface Values {
  kind: 'direct' | 'group'
  name: string
  memberIds: string
}

export function NewConversationDialog({ me, people, onClose }: { me: string; people: Conversation[]; onClose: () => void }) {
  const { t } = useI18n()
  const create = useCreateConversation()
  const known = [
    ...new Map(
      people
        .flatMap((c) => c.members)
        .filter((m) => m.userId !== me)
        .map((m) => [m.userId, m]),
    ).values(),
  ]
  const [picked, setPicked] = useState<string[]>([])
  const form = useServerForm<Values>({
    defaultValues: { kind: 'direct', name: '', memberIds: '' },
    onSubmit: async ({ kind, name, memberIds }) => {
      const refs: UserRef[] = [...picked, ...parseUserRefs(memberIds).filter((r) => typeof r !== 'string' || !picked.includes(r))]
      if (kind === 'direct' && refs.length !== 1) {
        form.setError('memberIds', { type: 'client', message: t('chat.new.directOne') })
        form.setFocus('memberIds')
        return
      }
      if (kind === 'group' && refs.length === 0) {
        form.setError('memberIds', { type: 'client', message: t('chat.new.groupSome') })
        form.setFocus('memberIds')
        return
      }
      const conversation = await create.mutateAsync({ type: kind, memberIds: refs, ...(kind === 'group' ? { name: name.trim() } : {}) })
      onClose()
      navigate(`/chat/${conversation.id}`)
    },
  })
  const kind = form.watch('kind')
  return (
    <Dialog title={t('chat.new.title')} isOpen onOpenChange={(open) => !open && onClose()} className="chat-new-dialog">
      {(close) => (
        <Form
          form={form}
          actions={
            <div className="dialog-actions">
              <SubmitButton>{kind === 'group' ? t('chat.new.createGroup') : t('chat.new.start')}</SubmitButton>
              <Button variant="secondary" onPress={close}>
                {t('common.cancel')}
              </Button>
            </div>
          }
        >
          <FormSelectField
            control={form.control}
            name="kind"
            label={t('chat.new.kind')}
            options={[
              { id: 'direct', label: t('chat.new.direct') },
              { id: 'group', label: t('chat.new.group') },
            ]}
          />
          {kind === 'group' && (
            <FormTextField
              control={form.control}
              name="name"
              label={t('chat.new.name')}
              dir="auto"
              isRequired
              rules={{ maxLength: { value: 120, message: t('chat.new.nameTooLong', { max: 120 }) } }}
            />
          )}
          {known.length > 0 && (
            <fieldset className="checks chat-known">
              <legend>{kind === 'group' ? t('chat.new.knownGroup') : t('chat.new.knownDirect')}</legend>
              {known.map((m) => (
                <Checkbox
                  key={m.userId}
                  label={<bdi>{memberLabel(m, t)}</bdi>}
                  isSelected={picked.includes(m.userId)}
                  onChange={(on) =>
                    setPicked((list) => (on ? [...(kind === 'direct' ? [] : list), m.userId] : list.filter((id) => id !== m.userId)))
                  }
                />
              ))}
            </fieldset>
          )}
          <FormTextAreaField
            control={form.control}
            name="memberIds"
            label={kind === 'group' ? t('chat.new.people') : t('chat.new.person')}
            description={t('chat.new.peopleHint')}
            dir="ltr"
            rows={kind === 'group' ? 3 : 1}
          />
        </Form>
      )}
    </Dialog>
  )
}
