// "Sara is typing…" under the log: always present (a polite status), empty when nobody types.
import type { Conversation } from '@caravan/sdk'
import { useI18n } from '../../i18n'
import { memberLabel } from './names'
import { useTypingUsers } from './typing'

export function TypingLine({ conversation, me }: { conversation: Conversation; me: string }) {
  const { t } = useI18n()
  const typing = useTypingUsers(conversation.id).filter((u) => u !== me)
  const names = typing.map((u) =>
    memberLabel(
      conversation.members.find((m) => m.userId === u),
      t,
    ),
  )
  let text = ''
  if (names.length === 1) text = t('chat.typingOne', { name: names[0] })
  else if (names.length === 2) text = t('chat.typingTwo', { first: names[0], second: names[1] })
  else if (names.length > 2) text = t('chat.typingMany', { count: names.length })
  return (
    <p className="chat-typing muted small" role="status">
      {text}
    </p>
  )
}
