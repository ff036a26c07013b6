// How chat names people and conversations, and says system messages and excerpts in words.
import type { ChatMessage, Conversation, ConversationMember, Locale } from '@caravan/sdk'
import type { Translate } from '../../i18n'

/** A member's name, else the host product's id for them, else "Someone" (a member who left). */
export function memberLabel(member: Pick<ConversationMember, 'name' | 'externalId'> | undefined, t: Translate): string {
  return member?.name?.trim() || member?.externalId || t('chat.someone')
}

export const otherMember = (c: Conversation, me: string): ConversationMember | undefined => c.members.find((m) => m.userId !== me)

export function conversationTitle(c: Conversation, me: string, t: Translate): string {
  if (c.kind === 'direct') return memberLabel(otherMember(c, me), t)
  return c.name?.trim() || (c.kind === 'support' ? t('chat.supportConversation') : t('chat.untitledGroup'))
}

function nameOf(
  userId: string | null | undefined,
  members: readonly Pick<ConversationMember, 'userId' | 'name' | 'externalId'>[],
  t: Translate,
): string {
  return memberLabel(
    members.find((m) => m.userId === userId),
    t,
  )
}

/** "Sara, Ali and Reza" / «سارا، علی و رضا», in the page's language. */
function listOf(names: string[], locale: Locale): string {
  return new Intl.ListFormat(locale === 'fa' ? 'fa-IR' : 'en-GB', { type: 'conjunction' }).format(names)
}

/** A system message as a sentence: "Sara renamed the group to “Trip”", "You added Ali". */
export function systemSentence(
  message: ChatMessage,
  members: readonly ConversationMember[],
  me: string,
  t: Translate,
  locale: Locale,
): string {
  const event = message.system
  if (!event) return ''
  const who = event.actorId === me ? 'me' : 'other'
  // People who left are no longer members; the message names them itself.
  const known = [...members, ...(event.people ?? []).filter((p) => !members.some((m) => m.userId === p.userId))]
  const actor = nameOf(event.actorId, known, t)
  const users = listOf(
    (event.userIds ?? []).map((id) => (id === me ? t('chat.youObject') : nameOf(id, known, t))),
    locale,
  )
  const name = event.name ?? ''
  switch (event.event) {
    case 'created':
      return t('chat.system.created', { who, actor, name })
    case 'joined':
      return t('chat.system.joined', { who, actor, users })
    case 'left':
      return t('chat.system.left', { who, actor })
    case 'removed':
      return t('chat.system.removed', { who, actor, users })
    case 'renamed':
      return t('chat.system.renamed', { who, actor, name })
  }
}

/** What the list shows under a conversation's name. */
export function excerptOf(
  message: ChatMessage | null,
  members: readonly ConversationMember[],
  me: string,
  t: Translate,
  locale: Locale,
): string {
  if (!message) return t('chat.noMessagesYet')
  if (message.kind === 'system') return systemSentence(message, members, me, t, locale)
  let body: string
  if (message.deletedAt) body = t('chat.deleted')
  else if (message.text) body = message.text.replace(/\s+/g, ' ').trim()
  else if (message.attachments.length) body = t('chat.attachmentExcerpt', { name: message.attachments[0].name })
  else body = ''
  return message.senderId === me ? t('chat.fromMe', { text: body }) : body
}
