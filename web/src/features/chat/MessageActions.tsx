// What can be done to a message, reachable by keyboard: react (a small set of emoji in a popover),
// reply, for my own messages edit and delete, and for others' a report to the moderators. Icon buttons named with the message they act on.
import type { ChatMessage } from '@caravan/sdk'
import { Dialog as AriaDialog, DialogTrigger, Popover } from 'react-aria-components'
import { useI18n } from '../../i18n'
import { Button } from '../../ui'
import { ChatIcon } from './ChatIcon'

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const

export interface MessageActionHandlers {
  onReact: (message: ChatMessage, emoji: string) => void
  onReply: (message: ChatMessage) => void
  onEdit: (message: ChatMessage) => void
  onDelete: (message: ChatMessage) => void
  onReport: (message: ChatMessage) => void
}

export function MessageActions({
  message,
  me,
  excerpt,
  handlers,
}: {
  message: ChatMessage
  me: string
  excerpt: string
  handlers: MessageActionHandlers
}) {
  const mine = message.senderId === me
  const { t } = useI18n()
  const named = { excerpt }
  return (
    <div className="chat-actions" role="group" aria-label={t('chat.action.group', named)}>
      <DialogTrigger>
        <Button variant="quiet" size="small" className="icon-button" aria-label={t('chat.action.react', named)}>
          <ChatIcon name="smile" size={18} />
        </Button>
        <Popover className="popover chat-emoji-popover" placement="top">
          <AriaDialog className="chat-emoji-picker" aria-label={t('chat.action.react', named)}>
            {({ close }) =>
              REACTIONS.map((emoji) => (
                <Button
                  key={emoji}
                  variant="quiet"
                  className="chat-emoji"
                  aria-pressed={message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me))}
                  onPress={() => {
                    handlers.onReact(message, emoji)
                    close()
                  }}
                >
                  {emoji}
                </Button>
              ))
            }
          </AriaDialog>
        </Popover>
      </DialogTrigger>
      <Button
        variant="quiet"
        size="small"
        className="icon-button"
        aria-label={t('chat.action.reply', named)}
        onPress={() => handlers.onReply(message)}
      >
        <ChatIcon name="reply" size={18} mirror />
      </Button>
      {mine && message.text && (
        <Button
          variant="quiet"
          size="small"
          className="icon-button"
          aria-label={t('chat.action.edit', named)}
          onPress={() => handlers.onEdit(message)}
        >
          <ChatIcon name="edit" size={18} />
        </Button>
      )}
      {mine && (
        <Button
          variant="quiet"
          size="small"
          className="icon-button"
          aria-label={t('chat.action.delete', named)}
          onPress={() => handlers.onDelete(message)}
        >
          <ChatIcon name="trash" size={18} />
        </Button>
      )}
      {!mine && message.senderId && (
        <Button
          variant="quiet"
          size="small"
          className="icon-button"
          aria-label={t('chat.action.report', named)}
          onPress={() => handlers.onReport(message)}
        >
          <ChatIcon name="flag" size={18} />
        </Button>
      )}
    </div>
  )
}
