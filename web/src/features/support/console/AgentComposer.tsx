// The agent's composer, in two modes: a reply (the customer sees it; it may also set the ticket
// pending or solved) or an internal note (agents only, drawn yellow like the notes it makes).
// Enter starts a new line; only the buttons send. Typing "/" at the start of a word opens the
// canned responses menu, filtered by what follows: ↑/↓ choose, Enter or Tab inserts the response
// filled in for this ticket (the server renders its placeholders), Escape closes the menu. The box
// keeps focus throughout (the menu's active option is its aria-activedescendant).
import type { CannedResponse, Ticket } from '@caravan/sdk'
import { useId, useState, type KeyboardEvent, type RefObject } from 'react'
import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components'
import { useI18n } from '../../../i18n'
import { Button } from '../../../ui'
import { asCaravanError, StatusMessage, useMessage } from '../../../ui/messages'
import { client } from '../../auth/session'
import { AttachFiles, useUploads } from '../attachments'
import { supportProblem } from '../problems'
import { useCannedSearch, useNote, useReply } from '../queries'
import { replaceToken, slashTokenAt, type SlashToken } from '../slash'

type Mode = 'reply' | 'note'
const MAX_TEXT = 20_000

export function AgentComposer({ ticket, inputRef }: { ticket: Ticket; inputRef: RefObject<HTMLTextAreaElement | null> }) {
  const { t } = useI18n()
  const id = useId()
  const [mode, setMode] = useState<Mode>('reply')
  const [text, setText] = useState('')
  const [token, setToken] = useState<SlashToken | null>(null)
  // Escape closes the menu until the word after "/" changes (typing on opens it again).
  const [dismissed, setDismissed] = useState<string | null>(null)
  const [active, setActive] = useState(0)
  const [inserting, setInserting] = useState(false)
  const [insertError, setInsertError] = useState<unknown>(null)
  const [message, setMessage] = useMessage()
  const [empty, setEmpty] = useState(false)
  const uploads = useUploads()
  const reply = useReply('agent', ticket.id)
  const note = useNote(ticket.id)
  const sending = reply.isPending || note.isPending
  const error = reply.error ?? note.error

  const tokenKey = (x: SlashToken | null) => x && `${x.start}:${x.query}`
  const menuOpen = token !== null && tokenKey(token) !== dismissed
  const canned = useCannedSearch(token?.query ?? '', menuOpen)
  const options = menuOpen ? (canned.data ?? []) : []
  const activeIndex = Math.min(active, Math.max(options.length - 1, 0))
  const optionId = (i: number) => `${id}-canned-${i}`

  /** Where the caret is decides whether a "/word" is being typed. */
  function track(value: string, caret: number) {
    const next = slashTokenAt(value, caret)
    setToken(next)
    if (!next || next.start !== token?.start || next.query !== token?.query) setActive(0)
    if (tokenKey(next) !== dismissed) setDismissed(null)
  }

  async function insert(response: CannedResponse) {
    if (!token) return
    setInserting(true)
    setInsertError(null)
    try {
      const filled = await client.support.renderCannedResponse(response.id, ticket.id)
      const next = replaceToken(text, token, filled)
      setText(next.text)
      setToken(null)
      requestAnimationFrame(() => {
        inputRef.current?.focus()
        inputRef.current?.setSelectionRange(next.caret, next.caret)
      })
    } catch (e) {
      setInsertError(e)
    } finally {
      setInserting(false)
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!menuOpen || event.nativeEvent.isComposing) return
    if (event.key === 'Escape') {
      event.preventDefault()
      setDismissed(tokenKey(token))
      return
    }
    if (!options.length) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((activeIndex + step + options.length) % options.length)
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault()
      void insert(options[activeIndex])
    }
  }

  function send(status?: 'pending' | 'solved') {
    setMessage(null)
    const body = text.trim() ? text : ''
    if (!body) {
      setEmpty(true)
      inputRef.current?.focus()
      return
    }
    const input = { body, ...(uploads.ids.length ? { attachmentIds: uploads.ids } : {}) }
    const done = {
      onSuccess: () => {
        setText('')
        setToken(null)
        uploads.clear()
        setMessage((t) => t(mode === 'note' ? 'support.noteAdded' : status ? `support.repliedAnd.${status}` : 'support.replied'))
        inputRef.current?.focus()
      },
    }
    if (mode === 'note') note.mutate(input, done)
    else reply.mutate({ ...input, ...(status ? { status } : {}) }, done)
  }

  const label = mode === 'note' ? t('support.noteLabel') : t('support.replyLabel')
  return (
    <section className={`card sup-composer sup-composer-${mode}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="visually-hidden">
        {t('support.composer')}
      </h2>
      <ToggleButtonGroup
        className="sup-mode"
        aria-label={t('support.composerMode')}
        selectionMode="single"
        disallowEmptySelection
        selectedKeys={[mode]}
        onSelectionChange={(keys: Set<Key>) => {
          const next = [...keys][0]
          if (next === 'reply' || next === 'note') setMode(next)
          setMessage(null)
          reply.reset()
          note.reset()
        }}
      >
        <ToggleButton id="reply" className="sup-mode-option">
          {t('support.modeReply')}
        </ToggleButton>
        <ToggleButton id="note" className="sup-mode-option">
          {t('support.modeNote')}
        </ToggleButton>
      </ToggleButtonGroup>
      <div className="field sup-composer-field">
        <label htmlFor={`${id}-input`}>{label}</label>
        <textarea
          id={`${id}-input`}
          ref={inputRef}
          className="sup-composer-input"
          rows={5}
          dir="auto"
          maxLength={MAX_TEXT}
          value={text}
          aria-describedby={empty ? `${id}-hint ${id}-empty` : `${id}-hint`}
          aria-invalid={empty || undefined}
          aria-controls={menuOpen ? `${id}-menu` : undefined}
          aria-activedescendant={menuOpen && options.length ? optionId(activeIndex) : undefined}
          onChange={(e) => {
            setText(e.target.value)
            if (e.target.value.trim()) setEmpty(false)
            track(e.target.value, e.target.selectionStart)
          }}
          onSelect={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        <p id={`${id}-hint`} className="hint">
          {mode === 'note' ? t('support.noteHint') : t('support.replyHintAgent')} {t('support.slashHint')}
        </p>
        {empty && (
          <p className="field-error" id={`${id}-empty`}>
            {t('support.composerEmpty')}
          </p>
        )}
        {menuOpen && (
          <div className="sup-canned" id={`${id}-menu`}>
            {options.length ? (
              <ul role="listbox" aria-label={t('support.cannedMenu')} className="sup-canned-list">
                {options.map((c, i) => (
                  <li
                    key={c.id}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === activeIndex}
                    className="sup-canned-option"
                    // The box keeps focus: a press must not move it to the option.
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => void insert(c)}
                  >
                    <code dir="ltr">/{c.shortcut}</code> <bdi>{c.title}</bdi>
                    <span className="muted small sup-canned-preview">
                      <bdi>{c.body}</bdi>
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted small">{canned.isFetching ? t('common.loading') : t('support.cannedNone')}</p>
            )}
            <p className="muted small" role="status">
              {inserting ? t('support.inserting') : options.length ? t('support.cannedCount', { count: options.length }) : ''}
            </p>
          </div>
        )}
        {insertError != null && (
          <p className="field-error" role="alert">
            {supportProblem(t, asCaravanError(insertError))}
          </p>
        )}
      </div>
      <AttachFiles uploads={uploads} />
      {error != null && (
        <p className="field-error" role="alert">
          {supportProblem(t, asCaravanError(error))}
        </p>
      )}
      <div className="toolbar sup-composer-actions">
        {mode === 'note' ? (
          <Button onPress={() => send()} isPending={sending} isDisabled={uploads.uploading} className="sup-note-button">
            {t('support.addNote')}
          </Button>
        ) : (
          <>
            {([undefined, 'pending', 'solved'] as const).map((status) => {
              const mine = reply.isPending && reply.variables?.status === status
              return (
                <Button
                  key={status ?? 'reply'}
                  variant={status ? 'secondary' : 'primary'}
                  onPress={() => send(status)}
                  isPending={mine}
                  isDisabled={(sending && !mine) || uploads.uploading}
                >
                  {status ? t(`support.sendAnd.${status}`) : t('support.sendReply')}
                </Button>
              )
            })}
          </>
        )}
      </div>
      <StatusMessage message={message} tone="info" />
    </section>
  )
}
