// A dialog holding one form: the title, the fields, then the submit button and Cancel. Editors
// (create or edit a thing) and small questions with fields (escalate with a subject) share it.
import type { ReactNode } from 'react'
import type { FieldValues } from 'react-hook-form'
import { useI18n } from '../i18n'
import { Button } from './Button'
import { Dialog } from './Dialog'
import { Form, SubmitButton } from './form/Form'
import type { ServerForm } from './form/useServerForm'

export interface FormDialogProps<T extends FieldValues> {
  title: string
  form: ServerForm<T>
  submitLabel: string
  onClose: () => void
  className?: string
  children: ReactNode
}

export function FormDialog<T extends FieldValues>({ title, form, submitLabel, onClose, className, children }: FormDialogProps<T>) {
  const { t } = useI18n()
  return (
    <Dialog title={title} isOpen onOpenChange={(open) => !open && onClose()} className={className}>
      <Form
        form={form}
        actions={
          <div className="dialog-actions">
            <SubmitButton>{submitLabel}</SubmitButton>
            <Button variant="secondary" onPress={onClose}>
              {t('common.cancel')}
            </Button>
          </div>
        }
      >
        {children}
      </Form>
    </Dialog>
  )
}
