// /chat and /chat/:conversationId: the conversations beside the open one on a wide screen; on a
// phone one at a time (the list, then the conversation with a back link). The page's h1 is the
// open conversation's name (the router focuses it after each navigation), else "Chat".
import { useEffect } from 'react'
import { useI18n } from '../../i18n'
import { useSignedInUser } from '../auth/session'
import './chat.css'
import { ConversationList } from './ConversationList'
import { useLiveChat } from './live'
import { conversationTitle } from './names'
import { useConversation } from './queries'
import { Thread } from './Thread'

export function ChatPage({ conversationId }: { conversationId?: string }) {
  const { t } = useI18n()
  const me = useSignedInUser().id
  useLiveChat(me)
  const conversation = useConversation(conversationId)
  const title = conversationId && conversation.data ? conversationTitle(conversation.data, me, t) : t('chat.title')
  const documentTitle = `${title} · ${t('app.name')}`
  useEffect(() => {
    document.title = documentTitle
  }, [documentTitle])

  return (
    <div className="chat" data-open={conversationId ? 'thread' : 'list'}>
      <ConversationList me={me} activeId={conversationId} />
      <section className="chat-thread-pane" aria-label={conversationId ? title : t('chat.noneOpen')}>
        {conversationId ? (
          <Thread key={conversationId} id={conversationId} me={me} />
        ) : (
          <div className="chat-placeholder">
            <p className="muted">{t('chat.chooseConversation')}</p>
          </div>
        )}
      </section>
    </div>
  )
}
