// A modal dialog. React Aria keeps focus inside, hides the rest of the page from screen readers,
// closes on Escape and gives focus back to the opener. Use it open while mounted (isOpen with
// onOpenChange), or inside a React Aria <DialogTrigger> with the button that opens it.
import type { ReactNode } from 'react'
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components'
import { useI18n } from '../i18n'
import { Button } from './Button'
import { Icon } from './Icon'

export interface DialogProps {
  title: ReactNode
  /** The content, or a function of close() for content with its own buttons. */
  children: ReactNode | ((close: () => void) => ReactNode)
  isOpen?: boolean
  onOpenChange?: (isOpen: boolean) => void
  /** A click outside closes it too. */
  isDismissable?: boolean
  /** 'alertdialog' for a question that needs an answer. */
  role?: 'dialog' | 'alertdialog'
  /** Shows a close (×) button in the corner. */
  showClose?: boolean
  className?: string
}

export function Dialog({ title, children, isOpen, onOpenChange, isDismissable, role, showClose, className }: DialogProps) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable={isDismissable}>
      <Modal className={className ? `dialog ${className}` : 'dialog'}>
        <AriaDialog className="dialog-content" role={role}>
          {({ close }) => (
            <>
              <div className="dialog-header">
                <Heading slot="title">{title}</Heading>
                {showClose && <CloseButton onPress={close} />}
              </div>
              {typeof children === 'function' ? children(close) : children}
            </>
          )}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  )
}

export function CloseButton({ onPress }: { onPress: () => void }) {
  const { t } = useI18n()
  return (
    <Button variant="quiet" className="icon-button" aria-label={t('ui.close')} onPress={onPress}>
      <Icon name="close" />
    </Button>
  )
}
