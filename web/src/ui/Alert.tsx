// Messages in a box. An error is role=alert (read at once); success and info are role=status
// (read when the reader is free). ProblemAlert says a failed request in words.
import type { ReactNode } from 'react'
import { useI18n } from '../i18n'
import { asCaravanError, problemMessage } from './messages'
import { Button } from './Button'

export interface AlertProps {
  tone: 'error' | 'success' | 'info'
  children: ReactNode
  className?: string
}

export function Alert({ tone, children, className }: AlertProps) {
  return (
    <div className={['alert', tone, className].filter(Boolean).join(' ')} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

export interface ProblemAlertProps {
  /** A CaravanError (or anything thrown); nothing is shown while it is null or undefined. */
  error: unknown
  /** Shows a Try again button. */
  onRetry?: () => void
  /** More to say under the message (the form puts field errors that have no field here). */
  children?: ReactNode
  className?: string
}

export function ProblemAlert({ error, onRetry, children, className }: ProblemAlertProps) {
  const { t } = useI18n()
  if (error === null || error === undefined) return null
  const problem = asCaravanError(error)
  return (
    <Alert tone="error" className={className}>
      <p>{problemMessage(t, problem)}</p>
      {children}
      {/* A reference only for server faults, where support needs it to find the request. */}
      {problem.requestId && problem.status >= 500 && <p className="muted small">{t('error.reference', { id: problem.requestId })}</p>}
      {onRetry && (
        <Button variant="secondary" size="small" onPress={onRetry}>
          {t('common.tryAgain')}
        </Button>
      )}
    </Alert>
  )
}
