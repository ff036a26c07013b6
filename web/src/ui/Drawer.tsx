// A side sheet: a modal panel from the inline-start edge (the left in English, the right in
// Persian) for navigation or details. Escape and a click outside close it; focus returns.
import type { ReactNode } from 'react'
import { Dialog as AriaDialog, Heading, Modal, ModalOverlay } from 'react-aria-components'
import { CloseButton } from './Dialog'

export interface DrawerProps {
  title: ReactNode
  children: ReactNode | ((close: () => void) => ReactNode)
  isOpen?: boolean
  onOpenChange?: (isOpen: boolean) => void
  className?: string
}

export function Drawer({ title, children, isOpen, onOpenChange, className }: DrawerProps) {
  return (
    <ModalOverlay className="modal-overlay side-sheet-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable>
      <Modal className={className ? `side-sheet ${className}` : 'side-sheet'}>
        <AriaDialog className="dialog-content">
          {({ close }) => (
            <>
              <div className="dialog-header">
                <Heading slot="title">{title}</Heading>
                <CloseButton onPress={close} />
              </div>
              <div className="side-sheet-body">{typeof children === 'function' ? children(close) : children}</div>
            </>
          )}
        </AriaDialog>
      </Modal>
    </ModalOverlay>
  )
}
