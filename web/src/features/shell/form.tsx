// Form pieces shared by every page: labelled fields whose errors are tied to the input
// (aria-describedby, aria-invalid), and one place that turns a CaravanError into words.
import { CaravanError } from '@caravan/sdk'
import { useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'
import { useI18n, type MessageKey, type Translate } from '../../i18n'

export function asCaravanError(error: unknown): CaravanError {
  if (error instanceof CaravanError) return error
  return new CaravanError({ type: 'internal', title: String(error), status: 0 })
}

/** Runs an async action with pending and error state; resolves undefined when it failed. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<CaravanError | null>(null)
  async function run(...args: A): Promise<R | undefined> {
    setPending(true)
    setError(null)
    try {
      return await action(...args)
    } catch (e) {
      setError(asCaravanError(e))
      return undefined
    } finally {
      setPending(false)
    }
  }
  return { run, pending, error, setError }
}

const KNOWN_PROBLEMS = [
  'validation',
  'invalid_credentials',
  'email_taken',
  'rate_limited',
  'network_error',
  'unauthorized',
  'invalid_token',
  'forbidden',
  'not_found',
  'conflict',
] as const

export function problemMessage(t: Translate, error: CaravanError): string {
  const code = error.code as (typeof KNOWN_PROBLEMS)[number]
  return KNOWN_PROBLEMS.includes(code) ? t(`error.${code}`) : t('error.generic')
}

const FIELD_MESSAGES = ['email', 'password', 'name', 'phone', 'timezone', 'scopes'] as const

/**
 * The translated message for a form field, from the problem's `errors[]`: the server names
 * fields like `body.email` or `body.scopes.0`; the second segment is the input's name.
 */
export function fieldMessage(t: Translate, error: CaravanError | null, name: string): string | undefined {
  if (!error?.errors.some((e) => e.field.split('.')[1] === name)) return undefined
  const field = name as (typeof FIELD_MESSAGES)[number]
  return FIELD_MESSAGES.includes(field) ? t(`fieldError.${field}` as MessageKey) : t('fieldError.generic')
}

/** The form's error, announced when it appears. */
export function ErrorAlert({ error }: { error: CaravanError | null }) {
  const { t } = useI18n()
  if (!error) return null
  return (
    <div className="alert error" role="alert">
      <p>{problemMessage(t, error)}</p>
      {error.requestId && error.status >= 500 && <p className="muted small">{t('error.reference', { id: error.requestId })}</p>}
    </div>
  )
}

/** How to say a message: kept instead of the text, so a shown message follows a language switch. */
export type Say = (t: Translate) => string

/** A status message as [its text in the current language, set it (null clears)]. */
export function useMessage(): [string | null, (say: Say | null) => void] {
  const { t } = useI18n()
  const [say, setSay] = useState<Say | null>(null)
  return [say ? say(t) : null, (next) => setSay(() => next)]
}

/** A polite live region that is always present, so screen readers announce its new text. */
export function StatusMessage({ message, tone = 'success' }: { message: string | null; tone?: 'success' | 'info' }) {
  return (
    <div className={message ? `alert ${tone}` : 'visually-hidden'} role="status">
      {message}
    </div>
  )
}

interface FieldShellProps {
  label: string
  hint?: ReactNode
  error?: ReactNode
  optional?: boolean
}

function FieldShell({ id, label, hint, error, optional, children }: FieldShellProps & { id: string; children: ReactNode }) {
  const { t } = useI18n()
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="muted"> ({t('common.optional')})</span>}
      </label>
      {children}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}

function describedBy(id: string, hint: unknown, error: unknown) {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined
}

export function TextField({ label, hint, error, optional, ...input }: FieldShellProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId()
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
    </FieldShell>
  )
}

export function TextAreaField({
  label,
  hint,
  error,
  optional,
  ...textarea
}: FieldShellProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId()
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...textarea} />
    </FieldShell>
  )
}

export function SelectField({
  label,
  hint,
  error,
  optional,
  options,
  ...select
}: FieldShellProps &
  SelectHTMLAttributes<HTMLSelectElement> & {
    options: { value: string; label: string; lang?: string }[]
  }) {
  const id = useId()
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  )
}
