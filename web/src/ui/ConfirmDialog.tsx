// A modal question before an action that cannot be taken back (erasing a user, rotating a secret).
// Rendered only while it asks: focus starts on Cancel, the safe choice; Escape cancels unless the action runs;
// on close focus returns to the opener, or to the page's heading if the opener is gone (the row
// of an erased user).
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react'
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components'
import { useI18n } from '../i18n'
import { Button } from './Button'

export interface ConfirmDialogProps {
  title: string
  confirmLabel: string
  /** While the action runs: Confirm is busy, Cancel and Escape rest. */
  pending?: boolean
  onConfirm: () => void
  onCancel: () => void
  /** What the action does; errors go here too, so they are read inside the dialog. */
  children: ReactNode
}

export function ConfirmDialog({ title, confirmLabel, pending, onConfirm, onCancel, children }: ConfirmDialogProps) {
  const { t } = useI18n()
  const bodyId = useId()
  const cancel = useRef<HTMLButtonElement>(null)
  // After React Aria has focused the dialog itself (its effect runs first, being deeper).
  useEffect(() => cancel.current?.focus(), [])
  useFocusHeadingIfOpenerGone()
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen
      isKeyboardDismissDisabled={pending}
      onOpenChange={(open) => {
        if (!open && !pending) onCancel()
      }}
    >
      <Modal className="dialog">
        <AriaDialog className="dialog-content" role="alertdialog" aria-describedby={bodyId}>
          <Heading slot="title">{title}</Heading>
          <div id={bodyId} className="dialog-body">
            {children}
          </div>
          <div className="dialog-actions">
            <Button variant="danger" isPending={pending} onPress={onConfirm}>
              {confirmLabel}
            </Button>
            <Button ref={cancel} variant="secondary" isDisabled={pending} onPress={onCancel}>
              {t('common.cancel')}
            </Button>
          </div>
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  )
}

/** React Aria gives focus back to the opener; when the opener was removed, the heading takes it. */
function useFocusHeadingIfOpenerGone() {
  useLayoutEffect(() => {
    const opener = document.activeElement
    return () => {
      if (opener?.isConnected) return
      // Two frames: after React Aria's own restore, which runs on the next one.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (document.activeElement === document.body || !document.activeElement) {
            document.querySelector<HTMLElement>('main h1')?.focus()
          }
        }),
      )
    }
  }, [])
}
