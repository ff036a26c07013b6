// Chat's refusals in words: the server's codes this module meets (a blocked user, a message the
// content rules stopped, a file of the wrong type or too big), else the app's common words.
import type { CaravanError } from '@caravan/sdk'
import type { MessageKey, Translate } from '../../i18n'
import { problemMessage } from '../../ui/messages'

const CHAT_PROBLEMS: Record<string, MessageKey> = {
  blocked: 'chat.error.blocked',
  message_blocked: 'chat.error.messageBlocked',
  file_not_attachable: 'chat.error.fileNotAttachable',
  file_type_not_allowed: 'chat.error.fileType',
  file_too_large: 'chat.error.fileTooLarge',
  file_unreadable: 'chat.error.fileUnreadable',
  image_too_large: 'chat.error.imageTooLarge',
  unprocessable: 'chat.error.unprocessable',
}

export function chatProblem(t: Translate, error: CaravanError): string {
  const key = CHAT_PROBLEMS[error.code]
  return key ? t(key) : problemMessage(t, error)
}
