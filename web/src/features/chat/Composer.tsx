// Writing a message: Enter sends, Shift+Enter starts a new line (an IME composing a word keeps its
// Enter). Files upload as soon as they are chosen, with a progress bar each; the message goes once
// they are all up. Replying quotes the message above the box; editing puts my text back in it
// (Escape cancels either). Focus stays in the box after sending.
import type { ChatMessage, Conversation } from '@caravan/sdk'
import { useEffect, useId, useRef, useState, type ChangeEvent, type FormEvent, type KeyboardEvent, type RefObject } from 'react'
import { useI18n } from '../../i18n'
import { Button } from '../../ui'
import { asCaravanError } from '../../ui/messages'
import { useRealtime } from '../auth/live'
import { client } from '../auth/session'
import { ChatIcon } from './ChatIcon'
import { excerpt } from './MessageItem'
import { chatProblem } from './problems'
import { conversationMessageChanged, editThread } from './queries'
import { useSend } from './send'
import { withUpdated } from './thread'
import { useTypingAnnouncer } from './typing'
import { uploadFile } from './uploads'
import { UploadList, type Upload } from './UploadList'

const MAX_FILES = 10
const MAX_TEXT = 10_000

export interface ComposerProps {
  conversation: Conversation
  replyTo: ChatMessage | null
  editing: ChatMessage | null
  replyName: string
  onDone: () => void
  inputRef: RefObject<HTMLTextAreaElement | null>
}

export function Composer({ conversation, replyTo, editing, replyName, onDone, inputRef }: ComposerProps) {
  const { t } = useI18n()
  const inputId = useId()
  const fileInput = useRef<HTMLInputElement>(null)
  const [text, setText] = useState('')
  const [uploads, setUploads] = useState<Upload[]>([])
  const [error, setError] = useState<unknown>(null)
  const [saving, setSaving] = useState(false)
  const { send } = useSend(conversation.id)
  const typing = useTypingAnnouncer(useRealtime(), conversation.id)

  // Editing puts the message's text in the box; leaving the edit empties it.
  useEffect(() => {
    setText(editing?.text ?? '')
    setError(null)
    if (editing) inputRef.current?.focus()
  }, [editing, inputRef])
  useEffect(() => {
    if (replyTo) inputRef.current?.focus()
  }, [replyTo, inputRef])
  // Uploads still going when the conversation closes are abandoned.
  const live = useRef(uploads)
  live.current = uploads
  useEffect(() => () => live.current.forEach((u) => u.abort.abort()), [])

  const uploading = uploads.some((u) => !u.view && !u.error)
  const ready = uploads.filter((u) => u.view).map((u) => u.view!)
  const canSend = editing ? text.trim().length > 0 : !uploading && (text.trim().length > 0 || ready.length > 0)

  const setUpload = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)))

  function chooseFiles(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])].slice(0, MAX_FILES - uploads.length)
    event.target.value = ''
    for (const file of files) {
      const upload: Upload = { key: crypto.randomUUID(), name: file.name, size: file.size, progress: 0, abort: new AbortController() }
      setUploads((list) => [...list, upload])
      uploadFile(file, { signal: upload.abort.signal, onProgress: (progress) => setUpload(upload.key, { progress }) }).then(
        (view) => setUpload(upload.key, { view, progress: 1 }),
        (e: unknown) => setUpload(upload.key, { error: e }),
      )
    }
  }

  function removeUpload(upload: Upload) {
    upload.abort.abort()
    setUploads((list) => list.filter((u) => u.key !== upload.key))
    inputRef.current?.focus()
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault()
    if (!canSend || saving) return
    setError(null)
    if (editing) {
      if (text === editing.text) return onDone()
      setSaving(true)
      try {
        const updated = await client.chat.edit(conversation.id, editing.id, text)
        editThread(conversation.id, (thread) => withUpdated(thread, updated))
        conversationMessageChanged(updated)
        setText('')
        onDone()
      } catch (e) {
        setError(e)
      } finally {
        setSaving(false)
        inputRef.current?.focus()
      }
      return
    }
    send({ text: text.trim(), replyTo, attachments: ready })
    setText('')
    setUploads([])
    typing.stopped()
    onDone()
    inputRef.current?.focus()
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void submit()
    } else if (event.key === 'Escape' && (replyTo || editing)) {
      event.preventDefault()
      onDone()
    }
  }

  if (conversation.blocked) return <p className="chat-composer-note muted">{t('chat.blockedNote')}</p>

  return (
    <form className="chat-composer" onSubmit={(e) => void submit(e)} aria-label={t('chat.composer')}>
      {(replyTo || editing) && (
        <div className="chat-composer-context">
          <ChatIcon name={editing ? 'edit' : 'reply'} size={18} mirror={!editing} />
          <p>
            {editing ? (
              t('chat.editing')
            ) : (
              <>
                {t('chat.replyingTo', { name: replyName })} <bdi className="muted">{excerpt(replyTo!.text, t, 80)}</bdi>
              </>
            )}
          </p>
          <Button
            variant="quiet"
            size="small"
            className="icon-button"
            aria-label={editing ? t('chat.cancelEdit') : t('chat.cancelReply')}
            onPress={onDone}
          >
            <ChatIcon name="close" size={18} />
          </Button>
        </div>
      )}
      <UploadList uploads={uploads} onRemove={removeUpload} />
      {error != null && (
        <p className="field-error" role="alert">
          {chatProblem(t, asCaravanError(error))}
        </p>
      )}
      <div className="chat-composer-row">
        {!editing && (
          <>
            <input ref={fileInput} type="file" multiple hidden onChange={chooseFiles} />
            <Button
              variant="quiet"
              className="icon-button"
              aria-label={t('chat.attach')}
              isDisabled={uploads.length >= MAX_FILES}
              onPress={() => fileInput.current?.click()}
            >
              <ChatIcon name="attach" />
            </Button>
          </>
        )}
        <label htmlFor={inputId} className="visually-hidden">
          {t('chat.messageLabel')}
        </label>
        <textarea
          id={inputId}
          ref={inputRef}
          className="chat-input"
          rows={1}
          dir="auto"
          maxLength={MAX_TEXT}
          value={text}
          placeholder={t('chat.placeholder')}
          onChange={(e) => {
            setText(e.target.value)
            if (!editing) typing.typed(e.target.value)
          }}
          onKeyDown={onKeyDown}
        />
        <Button
          type="submit"
          className="icon-button chat-send"
          aria-label={editing ? t('chat.saveEdit') : t('chat.send')}
          isDisabled={!canSend}
          isPending={saving}
        >
          <ChatIcon name={editing ? 'check' : 'send'} mirror={!editing} />
        </Button>
      </div>
    </form>
  )
}
