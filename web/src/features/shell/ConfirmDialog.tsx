// A modal question before an action that cannot be taken back (erasing a user, rotating a secret).
// The native <dialog> opened with showModal() keeps keyboard focus inside and the page inert, and
// Escape cancels. Focus starts on Cancel, the safe choice, and returns to the opener on close.
import { useId, useLayoutEffect, useRef, type ReactNode } from 'react'
import { useI18n } from '../../i18n'

export function ConfirmDialog({
  title,
  confirmLabel,
  pending,
  onConfirm,
  onCancel,
  children,
}: {
  title: string
  confirmLabel: string
  /** While the action runs: the buttons rest and Escape does nothing. */
  pending?: boolean
  onConfirm: () => void
  onCancel: () => void
  /** What the action does; errors go here too, so they are read inside the dialog. */
  children: ReactNode
}) {
  const { t } = useI18n()
  const id = useId()
  const dialog = useRef<HTMLDialogElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)

  // Mounted open: the parent renders the dialog only while it asks.
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const element = dialog.current!
    if (!element.open) element.showModal()
    cancel.current?.focus()
    return () => {
      element.close()
      // Back where the person was; if that is gone (the row of an erased user), to the page's heading.
      const target = opener?.isConnected ? opener : document.querySelector<HTMLElement>('main h1')
      target?.focus()
    }
  }, [])

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        // Escape: React closes the dialog by unmounting it, so the browser must not close it first.
        event.preventDefault()
        if (!pending) onCancel()
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="dialog-body">
        {children}
      </div>
      <div className="dialog-actions">
        <button
          type="button"
          className="danger"
          aria-disabled={pending ? true : undefined}
          onClick={() => {
            if (!pending) onConfirm()
          }}
        >
          {pending ? t('common.working') : confirmLabel}
        </button>
        <button
          ref={cancel}
          type="button"
          className="secondary"
          aria-disabled={pending ? true : undefined}
          onClick={() => {
            if (!pending) onCancel()
          }}
        >
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  )
}
